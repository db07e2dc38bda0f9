package org.tidings.it.micro;

import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.test.spi.event.suite.BeforeClass;

/** Records the test class about to run, before Arquillian deploys its managed deployments for it. */
public class CurrentTestClass {

    static volatile Class<?> current;

    public void beforeClass(@Observes(precedence = 1000) BeforeClass event) {
        current = event.getTestClass().getJavaClass();
    }
}
