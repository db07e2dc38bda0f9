package org.tidings.it;

import java.util.Optional;

/**
 * Reads a server-sent event stream line by line, as an EventSource client does for the fields the pull API uses
 * ({@code id}, {@code event}, {@code data}): an empty line ends an event that has data.
 */
final class SseParser {

    /** One server-sent event as the client parsed it. */
    record Event(String id, String name, String data) {
    }

    private String id;
    private String name;
    private final StringBuilder data = new StringBuilder();
    private final java.util.List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The comment lines read so far (what follows the colon), in order. */
    java.util.List<String> comments() {
        return comments;
    }

    /** The event this line completes, if it does. */
    Optional<Event> line(String line) {
        if (line.isEmpty()) {
            Optional<Event> done = data.length() > 0 ? Optional.of(new Event(id, name, data.toString()))
                    : Optional.empty();
            id = null;
            name = null;
            data.setLength(0);
            return done;
        }
        if (line.startsWith(":")) {
            comments.add(line.substring(1).strip());
        } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
        }
        return Optional.empty();
    }
}
