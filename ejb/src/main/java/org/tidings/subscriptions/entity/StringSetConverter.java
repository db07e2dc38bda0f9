package org.tidings.subscriptions.entity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import java.util.Set;
import java.util.TreeSet;

/**
 * A set of strings as one JSON array column, sorted so that equal sets store equal text. A set whose stored form
 * exceeds {@link #COLUMN_CHARS} (the {@code resource_group} columns' size) is refused with {@code invalid-request}
 * before the database sees it.
 */
@Converter
public class StringSetConverter implements AttributeConverter<Set<String>, String> {

    /** The size of the set columns ({@code resource_group.prefixes} and {@code members}, V2), in characters. */
    public static final int COLUMN_CHARS = 1_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Refuses a set that the column cannot hold, before any write: what the converter would refuse at flush. */
    public static void requireStorable(Set<String> values) {
        new StringSetConverter().convertToDatabaseColumn(values);
    }

    @Override
    public String convertToDatabaseColumn(Set<String> values) {
        try {
            String json = JSON.writeValueAsString(new TreeSet<>(values));
            if (json.length() > COLUMN_CHARS) {
                throw new TidingsException(ErrorCode.INVALID_REQUEST, "the set takes " + json.length()
                        + " characters as stored; the limit is " + COLUMN_CHARS);
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store set", e);
        }
    }

    @Override
    public Set<String> convertToEntityAttribute(String json) {
        try {
            return Set.copyOf(JSON.readValue(json, new TypeReference<Set<String>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored set is not readable", e);
        }
    }
}
