package org.tidings.platform;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * One page of a list that the admin API hands out in creation order (docs/adr/0026): at most {@code limit} rows after
 * a position, and the position of its last row when more may follow (else {@code next} is null). Paging is by key
 * ({@code created_at}, then {@code id}), so a row created or deleted between two pages neither repeats nor hides
 * another; what a page costs the database depends on the list's indexes (docs/adr/0026, "Cost per page").
 */
public record Listing<T>(List<T> rows, Position next) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** Where a page ends: the creation time and id of its last row. Clients get it as opaque text. */
    public record Position(Instant createdAt, UUID id) {

        /** Longer than any text {@link #text()} gives; a longer one is refused before it is decoded. */
        private static final int MAX_TEXT = 128;
        /** What both databases' timestamps hold (years 1 to 9999): another instant failed the query with a 500. */
        private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
        private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

        public String text() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdAt + " " + id).getBytes(StandardCharsets.US_ASCII));
        }

        /** The position a text of {@link #text()} names; null for none (absent or blank); else 400 invalid-request. */
        public static Position parse(String name, String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            try {
                if (text.length() > MAX_TEXT) {
                    throw new IllegalArgumentException("too long");
                }
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
                int space = plain.indexOf(' ');
                if (space < 0) {
                    throw new IllegalArgumentException("no separator");
                }
                Instant createdAt = Instant.parse(plain.substring(0, space));
                if (createdAt.isBefore(EARLIEST) || createdAt.isAfter(LATEST)) {
                    throw new IllegalArgumentException("not a time the database holds");
                }
                return new Position(createdAt, UUID.fromString(plain.substring(space + 1)));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST,
                        name + " must be a position from this list's Link header (rel=\"next\")");
            }
        }
    }

    /**
     * Reads one page of {@code type}'s rows that meet {@code condition} (JPQL over the alias {@code e}, or null for
     * all), ordered by {@code e.createdAt, e.id}: those after {@code after} (null: from the first), at most
     * {@code limit} of them.
     */
    public static <T> Listing<T> read(EntityManager em, Class<T> type, String condition, Map<String, ?> parameters,
            Position after, int limit, Function<T, Position> position) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is outside 1.." + MAX_LIMIT);
        }
        List<String> where = new ArrayList<>();
        if (condition != null) {
            where.add("(" + condition + ")");
        }
        if (after != null) {
            // the same rows as "createdAt > t OR (createdAt = t AND id > i)", in a form whose first part an index on
            // (created_at, id) seeks to, on H2 as on PostgreSQL (the OR alone made H2 read the index from its start)
            where.add("e.createdAt >= :afterAt AND (e.createdAt > :afterAt OR e.id > :afterId)");
        }
        String jpql = "SELECT e FROM " + em.getMetamodel().entity(type).getName() + " e"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY e.createdAt, e.id";
        TypedQuery<T> query = em.createQuery(jpql, type);
        parameters.forEach(query::setParameter);
        if (after != null) {
            query.setParameter("afterAt", after.createdAt()).setParameter("afterId", after.id());
        }
        List<T> rows = query.setMaxResults(limit + 1).getResultList();
        if (rows.size() <= limit) {
            return new Listing<>(rows, null);
        }
        List<T> page = rows.subList(0, limit);
        return new Listing<>(page, position.apply(page.get(limit - 1)));
    }

    public <V> List<V> map(Function<? super T, V> view) {
        return rows.stream().map(view).toList();
    }
}
