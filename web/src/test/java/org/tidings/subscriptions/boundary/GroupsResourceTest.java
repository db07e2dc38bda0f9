package org.tidings.subscriptions.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tidings.platform.Listing;
import org.tidings.platform.security.BearerTokenMechanism;
import org.tidings.subscriptions.entity.ResourceGroup;
import org.tidings.trust.control.Identity;
import org.tidings.trust.entity.PrincipalKind;

/** A subscriber's list of groups costs what it owns: a group can hold 20,000 URIs, and any subscriber may ask. */
public class GroupsResourceTest {

    public static HttpServletRequest subscriber(UUID id) {
        Identity identity = new Identity(UUID.randomUUID(), PrincipalKind.SUBSCRIBER, id, Set.of("subscriber"), null);
        return (HttpServletRequest) Proxy.newProxyInstance(GroupsResourceTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> method.getName().equals("getAttribute")
                        && BearerTokenMechanism.IDENTITY.equals(args[0]) ? identity : null);
    }

    @Test
    void aSubscribersListReadsOnlyItsOwnGroups() {
        UUID ann = UUID.randomUUID();
        var annsGroup = new ResourceGroup("ann's", Set.of("https://ann.example/"), Set.of(), Instant.EPOCH);
        annsGroup.ownedBy(ann);
        var resource = new GroupsResource();
        resource.groups = new Groups() {
            @Override
            public Listing<ResourceGroup> page(UUID owner, Listing.Position after, int limit) {
                if (owner == null) {
                    throw new AssertionError("a subscriber's list read every group");
                }
                return new Listing<>(owner.equals(ann) ? List.of(annsGroup) : List.of(), null);
            }
        };
        resource.caller = subscriber(ann);
        assertThat(rows(resource.all(null, 100, null))).containsExactly(annsGroup.id().toString());
    }

    /** The ids of a list's answer, a page without a next one (no Link header). */
    public static List<String> rows(Response page) {
        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getLinks()).isEmpty();
        return ((List<?>) page.getEntity()).stream().map(view -> String.valueOf(id(view))).toList();
    }

    private static Object id(Object view) {
        try {
            return view.getClass().getMethod("id").invoke(view);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
