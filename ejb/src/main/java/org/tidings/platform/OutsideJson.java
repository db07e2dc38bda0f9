package org.tidings.platform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
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

    /** A new factory so set up; further features as the caller needs. */
    public static JsonFactoryBuilder factory() {
        return new JsonFactoryBuilder()
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES);
    }

    /** An object mapper reading through such a factory. */
    public static ObjectMapper mapper() {
        return new ObjectMapper(factory().build());
    }
}
