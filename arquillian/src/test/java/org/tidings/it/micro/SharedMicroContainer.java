package org.tidings.it.micro;

import fish.payara.arquillian.container.payara.managed.PayaraMicroContainerConfiguration;
import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.descriptor.api.Descriptor;

/**
 * The Payara Micro adapter's container, with one instance kept running from one test class to the next: the adapter
 * starts a JVM in {@code deploy} and stops it in {@code undeploy}, about 20 s of boot for each class although every
 * class deploys the same archive with the same options. A class marked {@link OwnPayaraMicro} gets the adapter's
 * behaviour, except that its first deployment takes over the shared instance if one runs (a boot saved; every
 * instance takes the same HTTP port, so another is stopped before the class's own boots).
 */
public class SharedMicroContainer implements DeployableContainer<PayaraMicroContainerConfiguration> {

    private static final Logger LOG = Logger.getLogger(SharedMicroContainer.class.getName());

    private final PayaraMicroDeployableContainer adapter = new PayaraMicroDeployableContainer();
    private Archive<?> shared;
    private ProtocolMetaData sharedMetaData;

    @Override
    public Class<PayaraMicroContainerConfiguration> getConfigurationClass() {
        return adapter.getConfigurationClass();
    }

    @Override
    public void setup(PayaraMicroContainerConfiguration configuration) {
        adapter.setup(configuration);
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return adapter.getDefaultProtocol();
    }

    @Override
    public void start() throws LifecycleException {
        adapter.start();
    }

    @Override
    public void stop() throws LifecycleException {
        stopShared();
        adapter.stop();
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (ownInstance()) {
            if (shared != null && shared.getName().equals(archive.getName())) {
                // the class's first instance: the shared one, now the class's own (its undeploy stops it), which saves
                // a boot; what the class restarts it gets fresh
                LOG.info(() -> "Payara Micro kept from the previous class as the first own instance of "
                        + CurrentTestClass.current.getName());
                ProtocolMetaData adopted = sharedMetaData;
                shared = null;
                sharedMetaData = null;
                return adopted;
            }
            stopShared();
            return adapter.deploy(archive);
        }
        if (shared != null && shared.getName().equals(archive.getName())) {
            LOG.info(() -> "Payara Micro kept from the previous class for " + CurrentTestClass.current.getName());
            return sharedMetaData;
        }
        stopShared();
        sharedMetaData = adapter.deploy(archive);
        shared = archive;
        return sharedMetaData;
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        if (ownInstance() || shared == null) {
            adapter.undeploy(archive);
            org.tidings.it.TestEnvironment.awaitPayaraStopped(); // the next instance takes the same port
        }
        // the shared instance stays for the next class; stop() ends it with the suite
    }

    @Override
    public void deploy(Descriptor descriptor) throws DeploymentException {
        adapter.deploy(descriptor);
    }

    @Override
    public void undeploy(Descriptor descriptor) throws DeploymentException {
        adapter.undeploy(descriptor);
    }

    private static boolean ownInstance() {
        Class<?> current = CurrentTestClass.current;
        return current != null && current.isAnnotationPresent(OwnPayaraMicro.class);
    }

    private void stopShared() {
        if (shared == null) {
            return;
        }
        Archive<?> stopping = shared;
        shared = null;
        sharedMetaData = null;
        try {
            adapter.undeploy(stopping);
        } catch (DeploymentException e) {
            throw new IllegalStateException("the shared Payara Micro did not stop", e);
        }
        org.tidings.it.TestEnvironment.awaitPayaraStopped();
    }
}
