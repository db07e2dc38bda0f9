package org.tidings.subscriptions.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.Listing;
import org.tidings.platform.security.BearerTokenMechanism;
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

    /** What the database would answer: ann's subscriptions (and no one else's), of one sink or of all. */
    private final class OwnedOnly extends Subscriptions {
        @Override
        public Listing<Subscription> page(UUID owner, UUID sinkId, Listing.Position after, int limit) {
            if (owner == null) {
                throw new AssertionError("a subscriber's list read every subscription");
            }
            boolean found = owner.equals(ann) && (sinkId == null || sinkId.equals(annsSink.id()));
            return new Listing<>(found ? List.of(annsSubscription) : List.of(), null);
        }
    }

    private SubscriptionsResource resource() {
        var resource = new SubscriptionsResource();
        resource.subscriptions = new OwnedOnly();
        Identity identity = new Identity(UUID.randomUUID(), PrincipalKind.SUBSCRIBER, ann, Set.of("subscriber"), null);
        resource.caller = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> method.getName().equals("getAttribute")
                        && BearerTokenMechanism.IDENTITY.equals(args[0]) ? identity : null);
        return resource;
    }

    @Test
    void aSubscribersListReadsOnlyItsOwnSubscriptions() {
        String annsOwn = annsSubscription.id().toString();
        assertThat(GroupsResourceTest.rows(resource().all(null, null, 100, null))).containsExactly(annsOwn);
        assertThat(GroupsResourceTest.rows(resource().all(annsSink.id(), null, 100, null))).containsExactly(annsOwn);
        assertThat(GroupsResourceTest.rows(resource().all(bobsSink.id(), null, 100, null))).isEmpty();
        assertThat(GroupsResourceTest.rows(resource().all(UUID.randomUUID(), null, 100, null))).isEmpty();
    }
}
