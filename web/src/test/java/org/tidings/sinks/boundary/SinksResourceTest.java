package org.tidings.sinks.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.Listing;
import org.tidings.sinks.entity.Channel;
import org.tidings.sinks.entity.Sink;
import org.tidings.subscriptions.boundary.GroupsResourceTest;

/** A subscriber's list of sinks costs what it owns, not what everybody owns. */
class SinksResourceTest {

    @Test
    void aSubscribersListReadsOnlyItsOwnSinks() {
        UUID ann = UUID.randomUUID();
        var annsSink = new Sink("ann's", Channel.PULL, Instant.EPOCH);
        annsSink.ownedBy(ann);
        var resource = new SinksResource();
        resource.sinks = new Sinks() {
            @Override
            public Listing<Sink> page(UUID owner, Listing.Position after, int limit) {
                if (owner == null) {
                    throw new AssertionError("a subscriber's list read every sink");
                }
                return new Listing<>(owner.equals(ann) ? List.of(annsSink) : List.of(), null);
            }
        };
        resource.caller = GroupsResourceTest.subscriber(ann);
        assertThat(GroupsResourceTest.rows(resource.all(null, 100, null))).containsExactly(annsSink.id().toString());
    }
}
