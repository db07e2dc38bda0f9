package org.tidings.subscriptions.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.security.BearerTokenMechanism;
import org.tidings.sinks.boundary.Sinks;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.entity.Filter;
import org.tidings.subscriptions.entity.Subscription;
import org.tidings.trust.control.Identity;
import org.tidings.trust.entity.PrincipalKind;

/**
 * A subscriber's list of subscriptions costs what it owns, not what everybody owns: any subscriber may ask as often
 * as it likes, and every subscription's filter can be 64 KiB.
 */
class SubscriptionsResourceTest {

    private final UUID ann = UUID.randomUUID();
    private final Sink annsSink = new Sink("ann's", Channel.PULL, Instant.EPOCH);
    private final Sink bobsSink = new Sink("bob's", Channel.PULL, Instant.EPOCH);
    private final Subscription annsSubscription = new Subscription(annsSink.id(), Filter.ofType("t"), null, Instant.EPOCH);

    {
        annsSink.ownedBy(ann);
        bobsSink.ownedBy(UUID.randomUUID());
        annsSubscription.ownedBy(ann);
    }

    private final class OwnedOnly extends Subscriptions {
        @Override
        public List<Subscription> all() {
            throw new AssertionError("a subscriber's list read every subscription");
        }

        @Override
        public List<Subscription> ofSink(UUID sinkId) {
            return sinkId.equals(annsSink.id()) ? List.of(annsSubscription) : List.of();
        }

        @Override
        public List<Subscription> ownedBy(UUID owner) {
            return owner.equals(ann) ? List.of(annsSubscription) : List.of();
        }
    }

    private final class SinksById extends Sinks {
        @Override
        public List<Sink> all() {
            throw new AssertionError("a subscriber's list read every sink");
        }

        @Override
        public Sink byId(UUID id) {
            return Map.of(annsSink.id(), annsSink, bobsSink.id(), bobsSink).get(id);
        }
    }

    private SubscriptionsResource resource() {
        var resource = new SubscriptionsResource();
        resource.subscriptions = new OwnedOnly();
        resource.sinks = new SinksById();
        Identity identity = new Identity(UUID.randomUUID(), PrincipalKind.SUBSCRIBER, ann, Set.of("subscriber"), null);
        resource.caller = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> method.getName().equals("getAttribute")
                        && BearerTokenMechanism.IDENTITY.equals(args[0]) ? identity : null);
        return resource;
    }

    @Test
    void aSubscribersListReadsOnlyItsOwnSubscriptions() {
        assertThat(resource().all(null)).extracting(SubscriptionsResource.SubscriptionView::id)
                .containsExactly(annsSubscription.id());
        assertThat(resource().all(annsSink.id())).extracting(SubscriptionsResource.SubscriptionView::id)
                .containsExactly(annsSubscription.id());
        assertThat(resource().all(bobsSink.id())).isEmpty();
        assertThat(resource().all(UUID.randomUUID())).isEmpty();
    }
}
