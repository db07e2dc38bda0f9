package org.tidings.subscriptions.entity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Stores a {@link Filter} as one JSON column. Matching happens in memory, never in SQL, so the filter needs no
 * relational shape; one column keeps a subscription one row and lets the filter grow without migrations.
 */
@Converter
public class FilterConverter implements AttributeConverter<Filter, String> {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Override
    public String convertToDatabaseColumn(Filter filter) {
        try {
            return JSON.writeValueAsString(filter);
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
