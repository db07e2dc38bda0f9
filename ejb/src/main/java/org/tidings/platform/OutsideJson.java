package org.tidings.platform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson for JSON that comes from outside (events, admin bodies): field names are not kept. By default Jackson adds
 * every field name it reads to a table its factory shares for the life of the process, up to thousands of names of up
 * to 50,000 bytes each, so a sender choosing new names could hold hundreds of megabytes of heap for good. (Jackson's
 * charset detection stays on: with it off, Jackson 2.19.1 fails on every byte array, "enc" is null.)
 */
public final class OutsideJson {

    private OutsideJson() {
    }

    /**
     * The deepest nesting of arrays and objects accepted: half of Jackson's default. What Tidings accepts is read
     * again by Parsson (JSON-P, in Payara 6.2025.10), which fails on 1,000 levels with a plain
     * {@code RuntimeException}: an event accepted at Jackson's 1,000 broke every pull page that held it (500), and an
     * admin body a PATCH (500). Bounded here, such input is refused where it comes in, with a code.
     */
    public static final int MAX_DEPTH = 500;

    /** A new factory so set up; further features as the caller needs. */
    public static JsonFactoryBuilder factory() {
        return new JsonFactoryBuilder()
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    }

    /** An object mapper reading through such a factory. */
    public static ObjectMapper mapper() {
        return new ObjectMapper(factory().build());
    }
}
