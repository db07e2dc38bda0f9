package org.tidings.delivery.webhook;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The values of a call's own headers (a sink's credentials toward its receiver), in the forms a receiver may echo
 * them in its answer, so that they can be blotted out of it: an answer is recorded as the attempt's last answer and
 * shown by the API and the logs, the credentials never. The forms: each value whole; for {@code Basic} and
 * {@code Bearer} values, what follows the scheme; for {@code Basic}, the decoded {@code user:password} and the
 * password. Only verbatim echoes are caught (not, say, a JSON-escaped or re-encoded one).
 */
final class EchoedCredentials {

    static final String REDACTED = "[redacted]";

    /** Longest first, so that a value is blotted out before a part of it. */
    private final List<String> forms;

    private EchoedCredentials(List<String> forms) {
        this.forms = forms;
    }

    /**
     * A query parameter's value shorter than this is not blotted out on its own (the whole query still is): {@code
     * ?v=1} would blot every "1" of an answer, and so short a value keeps nothing secret.
     */
    static final int SHORTEST_QUERY_VALUE = 4;

    /**
     * As {@link #of(Map)}, and the query of the sink's URL too, which may hold a key ({@code ?key=...}, row LST-11,
     * never shown by the API): whole, raw and decoded, and each parameter's value of at least
     * {@value #SHORTEST_QUERY_VALUE} characters, raw and decoded. A receiver's error page that echoes the request's
     * target would otherwise have put the key in the recorded answer.
     */
    static EchoedCredentials of(Map<String, String> headers, URI url) {
        List<String> forms = new ArrayList<>(of(headers).forms);
        addQuery(url, forms);
        // the request goes out as the URL's ASCII form: a key with other characters is percent-encoded on the wire
        addQuery(URI.create(url.toASCIIString()), forms);
        return sorted(forms);
    }

    private static void addQuery(URI url, List<String> forms) {
        String raw = url.getRawQuery();
        if (raw != null) {
            forms.add(raw);
            forms.add(url.getQuery());
            for (String parameter : raw.split("[&;]")) {
                String value = parameter.substring(parameter.indexOf('=') + 1);
                if (value.length() >= SHORTEST_QUERY_VALUE) {
                    forms.add(value);
                    try {
                        forms.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException notDecodable) {
                        // blotted out as it is
                    }
                }
            }
        }
    }

    static EchoedCredentials of(Map<String, String> headers) {
        List<String> forms = new ArrayList<>();
        for (String value : headers.values()) {
            forms.add(value);
            int space = value.indexOf(' ');
            if (space > 0) {
                String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
                String credentials = value.substring(space + 1).strip();
                if (scheme.equals("bearer") || scheme.equals("basic")) {
                    forms.add(credentials);
                }
                if (scheme.equals("basic")) {
                    addDecoded(credentials, forms);
                }
            }
        }
        return sorted(forms);
    }

    private static EchoedCredentials sorted(List<String> forms) {
        forms.removeIf(form -> form == null || form.isEmpty());
        forms.sort(Comparator.comparingInt(String::length).reversed());
        return new EchoedCredentials(List.copyOf(forms));
    }

    private static void addDecoded(String base64, List<String> forms) {
        try {
            String pair = StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(Base64.getDecoder().decode(base64))).toString();
            forms.add(pair);
            int colon = pair.indexOf(':');
            if (colon >= 0) {
                forms.add(pair.substring(colon + 1));
            }
        } catch (IllegalArgumentException | CharacterCodingException notBasic) {
            // not the base64 of UTF-8 text: the value and what follows the scheme are blotted out all the same
        }
    }

    boolean none() {
        return forms.isEmpty();
    }

    /** The text with every occurrence of every form replaced by {@value #REDACTED}. */
    String redacted(String text) {
        String result = text;
        for (String form : forms) {
            result = result.replace(form, REDACTED);
        }
        return result;
    }
}
