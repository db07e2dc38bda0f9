package org.tidings.subscriptions.entity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Set;
import java.util.TreeSet;

/** A set of strings as one JSON array column, sorted so that equal sets store equal text. */
@Converter
public class StringSetConverter implements AttributeConverter<Set<String>, String> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String convertToDatabaseColumn(Set<String> values) {
        try {
            return JSON.writeValueAsString(new TreeSet<>(values));
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
