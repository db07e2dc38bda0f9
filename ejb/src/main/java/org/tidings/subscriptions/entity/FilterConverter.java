package org.tidings.subscriptions.entity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;

/**
 * Stores a {@link Filter} as one JSON column. Matching happens in memory, never in SQL, so the filter needs no
 * relational shape; one column keeps a subscription one row and lets the filter grow without migrations. A filter
 * whose stored form exceeds the column is refused with {@code invalid-filter} before the database sees it.
 */
@Converter
public class FilterConverter implements AttributeConverter<Filter, String> {

    /** The {@code subscription.filter} column's size (V1__provisioning.sql), in characters. */
    public static final int COLUMN_CHARS = 65_535;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Refuses a filter that the column cannot hold, before any write: what the converter would refuse at flush. */
    public static void requireStorable(Filter filter) {
        new FilterConverter().convertToDatabaseColumn(filter);
    }

    @Override
    public String convertToDatabaseColumn(Filter filter) {
        try {
            String json = JSON.writeValueAsString(filter);
            if (json.length() > COLUMN_CHARS) {
                throw new TidingsException(ErrorCode.INVALID_FILTER, "the filter takes " + json.length()
                        + " characters as stored; the limit is " + COLUMN_CHARS);
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store filter", e);
        }
    }

    @Override
    public Filter convertToEntityAttribute(String json) {
        try {
            return JSON.readValue(json, Filter.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored filter is not readable", e);
        }
    }
}
