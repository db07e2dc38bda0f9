package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidings.trust.entity.Subscriber;

/**
 * Lists in pages (docs/adr/0026) on H2 with the migrations' schema, through Hibernate as in the container: walked page
 * by page a list gives every row once, in the order of the whole list, also where rows share a creation time; a row
 * created or deleted between two pages neither repeats nor hides another; a position a client made up is refused.
 */
class ListingTest {

    private static final Instant T0 = Instant.parse("2026-12-06T02:00:00.123456Z");

    private final TestDatabase database = TestDatabase.migrated("listing");
    private SessionFactory sessions;

    @BeforeEach
    void schema() {
        sessions = database.sessions(Subscriber.class);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void pagesGiveEveryRowOnceInTheWholeListsOrderAlsoWhereCreationTimesTie() {
        for (int i = 0; i < 250; i++) {
            store(new Subscriber("s" + i, null, T0.plusSeconds(i % 5))); // 50 rows at each of 5 instants
        }

        List<Listing<Subscriber>> pages = walk(null, Map.of(), 40);

        assertThat(pages).hasSize(7);
        assertThat(pages.subList(0, 6)).allSatisfy(page -> {
            assertThat(page.rows()).hasSize(40);
            assertThat(page.next()).isNotNull();
        });
        assertThat(pages.get(6).rows()).hasSize(10);
        assertThat(pages.get(6).next()).as("the last page says no more follow").isNull();
        assertThat(ids(pages)).isEqualTo(wholeList()).doesNotHaveDuplicates().hasSize(250);
    }

    @Test
    void aPageAsLongAsWhatIsLeftSaysNoMoreFollowAndAnEmptyListIsOneEmptyPage() {
        assertThat(walk(null, Map.of(), 10)).singleElement()
                .satisfies(page -> assertThat(page.rows()).isEmpty()).satisfies(page -> assertThat(page.next()).isNull());
        for (int i = 0; i < 20; i++) {
            store(new Subscriber("s" + i, null, T0.plusMillis(i)));
        }
        assertThat(walk(null, Map.of(), 10)).hasSize(2).last().satisfies(page -> assertThat(page.next()).isNull());
        assertThat(walk(null, Map.of(), 20)).singleElement().satisfies(page -> assertThat(page.rows()).hasSize(20));
    }

    @Test
    void rowsCreatedOrDeletedBetweenPagesNeitherRepeatNorHideOthers() {
        List<Subscriber> stored = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stored.add(store(new Subscriber("s" + i, null, T0.plusMillis(i))));
        }
        Listing<Subscriber> first = page(null, Map.of(), null, 10);
        delete(first.rows().get(9)); // the row the position names
        delete(stored.get(10)); // the first row of the next page
        Subscriber later = store(new Subscriber("later", null, T0.plusSeconds(60)));

        List<UUID> rest = new ArrayList<>();
        for (Listing.Position after = first.next(); after != null; ) {
            Listing<Subscriber> page = page(null, Map.of(), after, 10);
            page.rows().forEach(s -> rest.add(s.id()));
            after = page.next();
        }

        List<UUID> expected = stored.subList(11, 30).stream().map(Subscriber::id).toList();
        assertThat(rest).containsExactlyElementsOf(append(expected, later.id()));
    }

    @Test
    void aConditionNarrowsEveryPage() {
        for (int i = 0; i < 45; i++) {
            store(new Subscriber((i % 3 == 0 ? "keep-" : "skip-") + i, null, T0.plusMillis(i)));
        }
        List<Listing<Subscriber>> pages = walk("e.name LIKE :prefix", Map.of("prefix", "keep-%"), 4);
        assertThat(pages).hasSize(4);
        assertThat(pages.stream().flatMap(p -> p.rows().stream()).map(Subscriber::name))
                .hasSize(15).allMatch(name -> name.startsWith("keep-"));
    }

    @Test
    void aPositionsTextNamesItAndTextsNotMadeByItAreRefusedAsInvalidRequests() {
        var position = new Listing.Position(T0, UUID.randomUUID());
        assertThat(Listing.Position.parse("after", position.text())).isEqualTo(position);
        assertThat(Listing.Position.parse("after", null)).isNull();
        assertThat(Listing.Position.parse("after", " ")).isNull();

        Function<String, String> b64 = s -> Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        for (String made : List.of("not base64!", b64.apply("no-separator"), b64.apply("yesterday " + UUID.randomUUID()),
                b64.apply(T0 + " not-a-uuid"), b64.apply(T0 + " " + UUID.randomUUID()) + "A".repeat(100), "%00",
                b64.apply(T0 + " " + UUID.randomUUID() + "\u00e9"), b64.apply("+294277-01-01T00:00:00Z " + UUID.randomUUID()),
                b64.apply("+1000000000-01-01T00:00:00Z " + UUID.randomUUID()),
                b64.apply("-0001-12-31T00:00:00Z " + UUID.randomUUID()))) {
            assertThatThrownBy(() -> Listing.Position.parse("after", made)).as(made)
                    .isInstanceOfSatisfying(TidingsException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
    }

    private List<Listing<Subscriber>> walk(String condition, Map<String, ?> parameters, int limit) {
        List<Listing<Subscriber>> pages = new ArrayList<>();
        Listing.Position after = null;
        do {
            Listing<Subscriber> page = page(condition, parameters, after, limit);
            pages.add(page);
            after = page.next();
        } while (after != null);
        return pages;
    }

    private Listing<Subscriber> page(String condition, Map<String, ?> parameters, Listing.Position after, int limit) {
        try (Session session = sessions.openSession()) {
            return Listing.read(session, Subscriber.class, condition, parameters, after, limit,
                    s -> new Listing.Position(s.createdAt(), s.id()));
        }
    }

    private List<UUID> wholeList() {
        try (Session session = sessions.openSession()) {
            return session.createNamedQuery(Subscriber.ALL, Subscriber.class).getResultList().stream()
                    .map(Subscriber::id).toList();
        }
    }

    private static List<UUID> ids(List<Listing<Subscriber>> pages) {
        return pages.stream().flatMap(p -> p.rows().stream()).map(Subscriber::id).toList();
    }

    private static List<UUID> append(List<UUID> ids, UUID last) {
        List<UUID> all = new ArrayList<>(ids);
        all.add(last);
        return all;
    }

    private Subscriber store(Subscriber subscriber) {
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            session.persist(subscriber);
            session.getTransaction().commit();
        }
        return subscriber;
    }

    private void delete(Subscriber subscriber) {
        try (Session session = sessions.openSession()) {
            session.beginTransaction();
            session.remove(session.find(Subscriber.class, subscriber.id()));
            session.getTransaction().commit();
        }
    }
}
