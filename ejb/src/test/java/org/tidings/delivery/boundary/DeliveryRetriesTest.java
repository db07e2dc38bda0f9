package org.tidings.delivery.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.delivery.control.CircuitBreakers;
import org.tidings.delivery.control.SinkConcurrency;

/**
 * The retry worker's taking of a head when no attempt can follow: whatever it was granted for the attempt (a slot of
 * the sink, a half-open circuit's probe) is given back.
 */
class DeliveryRetriesTest {

    private final UUID sink = UUID.randomUUID();

    @Test
    void aHeadThatCannotBeTakenGivesBackItsSlotAndTheHalfOpenCircuitsProbe() throws Exception {
        var breakers = new CircuitBreakers();
        set(breakers, "threshold", 1);
        set(breakers, "openFor", Duration.ofSeconds(30));
        breakers.failed(sink, Instant.now().minusSeconds(31)); // opened 31 s ago: half-open now
        var concurrency = new SinkConcurrency();
        set(concurrency, "limit", 1);
        set(concurrency, "retryLimit", 1);
        var retries = new DeliveryRetries();
        retries.breakers = breakers;
        retries.concurrency = concurrency;
        retries.ledger = new DeliveryLedger() {
            @Override
            public Optional<Claim> claimed(long position, Instant lease, Instant now) {
                return Optional.empty(); // taken meanwhile by another instance's run
            }
        };
        Set<UUID> leftAlone = new HashSet<>();

        retries.take(new DeliveryRetries.Head(1, sink), leftAlone);

        assertThat(leftAlone).as("left alone for the rest of the run").containsExactly(sink);
        assertThat(concurrency.tryAcquireRetry(sink)).as("its retry slot given back").isTrue();
        assertThat(breakers.allows(sink, Instant.now())).as("no attempt was made: the probe is still to be made")
                .isTrue();
    }

    private static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        var declared = target.getClass().getDeclaredField(field);
        declared.setAccessible(true);
        declared.set(target, value);
    }
}
