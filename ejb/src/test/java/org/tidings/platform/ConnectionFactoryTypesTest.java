package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSConnectionFactoryDefinition;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.activemq.artemis.ra.ActiveMQRAManagedConnectionFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every property the connection factory definition sets reaches the adapter's connection factory with the type its
 * setter takes, because the adapter's ra.xml declares it with that type under the same name. Payara gives a property
 * of a resource definition the type ra.xml declares for its name (ConnectorDDTransformUtils.mergeProps); an untyped
 * one is a String, and where the setter takes something else Payara's second try switches off a flag of the whole
 * server (EnvironmentProperty.boundsChecking) while other threads may read descriptor types: a restart with a
 * backlog once left the application undeployed that way (docs/adr/0001).
 */
class ConnectionFactoryTypesTest {

    private static final Path RA_XML = Path.of("..", "jms-config", "src", "main", "rar", "META-INF", "ra.xml");

    @Test
    void raXmlDeclaresEachPropertyTheDefinitionSetsWithTheTypeOfItsSetter() throws Exception {
        Map<String, String> declared = connectionDefinitionTypes();
        Map<String, String> set = propertiesTheDefinitionSets();

        assertThat(set).containsKeys("CallTimeout", "ReconnectAttempts", "AllowLocalTransactions", "CacheDestinations");
        for (var property : set.entrySet()) {
            String name = property.getKey();
            assertThat(declared).as("ra.xml declares %s, spelled as the definition spells it", name)
                    .containsKey(name);
            Class<?> type = Class.forName(declared.get(name));
            Optional<Method> setter = setter(name);
            if (setter.isPresent()) {
                assertThat(setter.get().getParameterTypes()[0]).as("the type of %s", name).isEqualTo(type);
                assertThat(convert(property.getValue(), type)).as("the value of %s as its type", name)
                        .isInstanceOf(type);
            } else {
                // the user name and password: the adapter takes them from the pool's credentials; Payara looks for
                // a getter's type, then for the declared one, and warns that the setter is missing (RAR8000)
                assertThat(name).isIn("UserName", "Password");
                assertThat(type).isEqualTo(String.class);
            }
            getter(name).ifPresent(getter -> assertThat(getter.getReturnType()).as("the getter of %s", name)
                    .isEqualTo(type));
        }
    }

    @Test
    void eachDeclaredPropertyIsOneTheConnectionFactoryHas() throws Exception {
        for (var property : connectionDefinitionTypes().entrySet()) {
            String name = property.getKey();
            if (!name.equals("UserName") && !name.equals("Password")) {
                assertThat(setter(name)).as("a setter for %s", name).isPresent();
            }
        }
    }

    /** Name and value of each property, as Payara names those it makes of the user and password. */
    private static Map<String, String> propertiesTheDefinitionSets() {
        JMSConnectionFactoryDefinition definition = SchemaMigration.class
                .getAnnotation(JMSConnectionFactoryDefinition.class);
        Map<String, String> set = new LinkedHashMap<>();
        set.put("UserName", definition.user());
        set.put("Password", definition.password());
        for (String property : definition.properties()) {
            int equals = property.indexOf('=');
            set.put(property.substring(0, equals), property.substring(equals + 1));
        }
        return set;
    }

    private static Map<String, String> connectionDefinitionTypes() throws Exception {
        assertThat(RA_XML).exists();
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        var document = factory.newDocumentBuilder().parse(Files.newInputStream(RA_XML));
        NodeList definitions = document.getElementsByTagNameNS("*", "connection-definition");
        assertThat(definitions.getLength()).isEqualTo(1);
        NodeList properties = ((Element) definitions.item(0)).getElementsByTagNameNS("*", "config-property");
        Map<String, String> types = new LinkedHashMap<>();
        for (int i = 0; i < properties.getLength(); i++) {
            var property = (Element) properties.item(i);
            types.put(text(property, "config-property-name"), text(property, "config-property-type"));
        }
        return types;
    }

    private static String text(Element parent, String child) {
        return parent.getElementsByTagNameNS("*", child).item(0).getTextContent().strip();
    }

    private static Optional<Method> setter(String property) {
        return Arrays.stream(ActiveMQRAManagedConnectionFactory.class.getMethods())
                .filter(m -> m.getName().equals("set" + property) && m.getParameterCount() == 1).findFirst();
    }

    private static Optional<Method> getter(String property) {
        return Arrays.stream(ActiveMQRAManagedConnectionFactory.class.getMethods())
                .filter(m -> m.getName().equals("get" + property) && m.getParameterCount() == 0).findFirst();
    }

    private static Object convert(String value, Class<?> type) {
        if (type == String.class) {
            return value;
        } else if (type == Boolean.class) {
            assertThat(value).isIn("true", "false");
            return Boolean.valueOf(value);
        } else if (type == Integer.class) {
            return Integer.valueOf(value);
        } else if (type == Long.class) {
            return Long.valueOf(value);
        }
        throw new AssertionError("no conversion to " + type);
    }
}
