package org.tidings.sinks.boundary;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tidings.platform.ErrorCode;
import org.tidings.platform.TidingsException;
import org.tidings.sinks.entity.ReceiverCredentials;

/**
 * The {@code auth} member of a webhook sink, the credentials it presents to its receiver: {@code {"type": "basic",
 * "username", "password"}}, {@code {"type": "bearer", "token"}} or {@code {"type": "header", "name", "value"}}, every
 * member a string and no other member; null removes them. As the API shows it afterwards: its type, nothing else.
 * Refusals (400 {@code invalid-auth}) never repeat a value.
 */
final class ReceiverAuth {

    private static final Map<String, Set<String>> MEMBERS = Map.of(
            "basic", Set.of("type", "username", "password"),
            "bearer", Set.of("type", "token"),
            "header", Set.of("type", "name", "value"));

    /** How a sink's credentials are shown: the type only, never a name, user or value. */
    public record View(String type) {
        static View of(ReceiverCredentials.Type type) {
            return type == null ? null : new View(type.name().toLowerCase(Locale.ROOT));
        }
    }

    private ReceiverAuth() {
    }

    /** The credentials {@code auth} gives; null when it is absent or JSON null. */
    static ReceiverCredentials of(JsonValue auth) {
        if (auth == null || auth.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (auth.getValueType() != JsonValue.ValueType.OBJECT
                || !(auth.asJsonObject().get("type") instanceof JsonString type)
                || !MEMBERS.containsKey(type.getString())) {
            throw refused("auth must be an object whose type is basic, bearer or header");
        }
        JsonObject object = auth.asJsonObject();
        Set<String> members = MEMBERS.get(type.getString());
        if (!members.containsAll(object.keySet()) || !object.keySet().containsAll(members)) {
            throw refused("auth of type " + type.getString() + " has exactly the members " + members);
        }
        try {
            return switch (type.getString()) {
                case "basic" -> ReceiverCredentials.basic(text(object, "username"), text(object, "password"));
                case "bearer" -> ReceiverCredentials.bearer(text(object, "token"));
                default -> ReceiverCredentials.header(text(object, "name"), text(object, "value"));
            };
        } catch (IllegalArgumentException e) { // its message holds no value
            throw refused(e.getMessage());
        }
    }

    private static String text(JsonObject object, String member) {
        if (object.get(member) instanceof JsonString text) {
            return text.getString();
        }
        throw refused("auth's " + member + " must be a string");
    }

    private static TidingsException refused(String message) {
        return new TidingsException(ErrorCode.INVALID_AUTH, message);
    }
}
