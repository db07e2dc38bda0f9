package org.tidings.bench.e2e;

import java.util.HashMap;
import java.util.Map;

/** Command-line options of the form {@code --name value}, as bench/e2e passes them. */
final class Options {

    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
    }

    String text(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing option --" + name);
        }
        return value;
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int number(String name) {
        return Integer.parseInt(text(name));
    }

    int number(String name, int fallback) {
        return values.containsKey(name) ? number(name) : fallback;
    }
}
