package org.tidings.trust.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tidings.platform.SchemaReadiness;

/**
 * The minute timer writes when tokens were last used only once the application has started, so that it never starts
 * the token directory on its own thread (SchemaReadiness).
 */
class TokenLastUseTest {

    @Test
    void theTimerWritesOnlyOnceTheApplicationHasStarted() {
        AtomicInteger writes = new AtomicInteger();
        var timer = new TokenLastUse();
        timer.tokens = new TokenDirectory() {
            @Override
            public void writeLastUse() {
                writes.incrementAndGet();
            }
        };
        timer.readiness = new SchemaReadiness();

        timer.write();
        assertThat(writes).as("before the start").hasValue(0);

        SchemaReadiness.SINGLETONS.forEach(timer.readiness::started);
        timer.write();
        assertThat(writes).as("after it").hasValue(1);
    }
}
