package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Startup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A retention under one hour stops the application from starting (docs/adr/0012): the check runs when the bean is
 * constructed, and the bean is constructed at start-up. Without {@code @Startup} a singleton is constructed at its
 * first use, here the first timer tick after the application has started, and the check then fails every second
 * in the log instead.
 */
class DeliveryPruningConfigTest {

    @Test
    void aRetentionUnderAnHourIsRefusedWhenTheApplicationStarts() throws NoSuchMethodException {
        var pruning = new DeliveryPruning();
        pruning.retention = Duration.ofMinutes(30);
        pruning.interval = Duration.ofMinutes(1);

        assertThatThrownBy(pruning::check).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least PT1H");
        assertThat(DeliveryPruning.class.getDeclaredMethod("check").isAnnotationPresent(PostConstruct.class)).isTrue();
        assertThat(DeliveryPruning.class.isAnnotationPresent(Startup.class)).isTrue();
    }
}
