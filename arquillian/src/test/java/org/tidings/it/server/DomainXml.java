package org.tidings.it.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A domain's config/domain.xml, edited before the domain first starts. asadmin set needs a running server, and these
 * settings must hold from its first second: Hazelcast, once up, has already probed the network.
 */
final class DomainXml {

    private static final String LOOPBACK = "127.0.0.1";

    private final Path file;
    private final Document document;

    private DomainXml(Path file, Document document) {
        this.file = file;
        this.document = document;
    }

    static DomainXml read(Path file) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return new DomainXml(file, factory.newDocumentBuilder().parse(file.toFile()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /**
     * Every listener on 127.0.0.1 or off, and nothing that talks to the network on its own: no Hazelcast (Domain Data
     * Grid: it probes cloud metadata and non-loopback addresses), no phone-home to payara.fish, no embedded OpenMQ
     * broker (Tidings brings its own Artemis adapter), no H2 AUTO_SERVER (it opens a TCP server on all interfaces).
     */
    DomainXml confinedToLoopback() {
        Element domain = document.getDocumentElement();
        child(domain, "phone-home-runtime-configuration").setAttribute("enabled", "false");
        Element dataGrid = child(domain, "hazelcast-runtime-configuration");
        dataGrid.setAttribute("das-bind-address", LOOPBACK);
        dataGrid.setAttribute("interface", LOOPBACK);
        elements(domain, "jdbc-connection-pool").flatMap(pool -> elements(pool, "property"))
                .filter(property -> "URL".equals(property.getAttribute("name")))
                .forEach(url -> url.setAttribute("value", url.getAttribute("value").replace(";AUTO_SERVER=TRUE", "")));

        Element config = serverConfig();
        child(config, "hazelcast-config-specific-configuration").setAttribute("enabled", "false");
        elements(config, "network-listener").forEach(listener -> {
            listener.setAttribute("address", LOOPBACK);
            if ("http-listener-2".equals(listener.getAttribute("name"))) {
                listener.setAttribute("enabled", "false"); // HTTPS: nothing here uses it
            }
        });
        elements(config, "iiop-listener").forEach(listener -> listener.setAttribute("address", LOOPBACK));
        elements(config, "jmx-connector").forEach(connector -> connector.setAttribute("address", LOOPBACK));
        Element jms = child(config, "jms-service");
        jms.setAttribute("type", "DISABLED");
        jms.setAttribute("default-jms-host", "default_JMS_host");
        jvmOptions().filter(option -> option.getTextContent().startsWith("-Dosgi.shell.telnet.ip="))
                .forEach(option -> option.setTextContent("-Dosgi.shell.telnet.ip=" + LOOPBACK));
        return this;
    }

    /** JVM system properties: what Payara resolves ${MPCONFIG=...} from when it deploys the application. */
    DomainXml withSystemProperties(Map<String, String> properties) {
        Element javaConfig = child(serverConfig(), "java-config");
        properties.forEach((name, value) -> {
            Element option = document.createElement("jvm-options");
            option.setTextContent("-D" + name + "=" + value);
            javaConfig.appendChild(option);
        });
        return this;
    }

    DomainXml withMaxHeap(String size) {
        jvmOptions().filter(option -> option.getTextContent().startsWith("-Xmx"))
                .forEach(option -> option.setTextContent("-Xmx" + size));
        return this;
    }

    void write() {
        try {
            TransformerFactory.newInstance().newTransformer()
                    .transform(new DOMSource(document), new StreamResult(file.toFile()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    private Element serverConfig() {
        return elements(document.getDocumentElement(), "config")
                .filter(config -> "server-config".equals(config.getAttribute("name")))
                .findFirst().orElseThrow(() -> new IllegalStateException("no server-config in " + file));
    }

    private Stream<Element> jvmOptions() {
        return elements(child(serverConfig(), "java-config"), "jvm-options");
    }

    /** The first direct child of that name, created if absent. */
    private Element child(Element parent, String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        Element created = document.createElement(name);
        parent.insertBefore(created, parent.getFirstChild());
        return created;
    }

    private static Stream<Element> elements(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        return IntStream.range(0, nodes.getLength()).mapToObj(i -> (Element) nodes.item(i));
    }
}
