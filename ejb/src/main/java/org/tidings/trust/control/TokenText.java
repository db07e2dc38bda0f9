package org.tidings.trust.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The text of a bearer token and what is stored of it. A new token is {@code tdg_}, eight characters that tell it
 * apart in lists (its prefix, not secret), an underscore, and 256 random bits from a CSPRNG in unpadded base64url:
 * 56 characters in all. Only the SHA-256 of the whole text is stored: a token has too much entropy for a slow hash
 * to add anything, and the fast one keeps checking a request cheap.
 */
public final class TokenText {

    /** What a token read from configuration must at least have: 32 characters, so at least about 160 bits. */
    public static final int MIN_CONFIGURED_LENGTH = 32;
    /** Longer text is not a token of ours; refused before hashing. */
    public static final int MAX_LENGTH = 200;

    private static final String MARK = "tdg_";
    private static final String CONFIGURED_PREFIX = "(configured)";
    private static final Pattern GENERATED = Pattern.compile("tdg_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}");
    private static final int PREFIX_CHARACTERS = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private TokenText() {
    }

    /** A new random token. */
    public static String generate() {
        byte[] id = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        return MARK + BASE64URL.encodeToString(id) + "_" + BASE64URL.encodeToString(secret);
    }

    /**
     * The part of a token shown in lists: the mark and the eight characters after it, which are not secret in a token
     * made here. A token of another form (the first administrator's from configuration) is secret from its first
     * character, so none of it is shown: its prefix is {@value #CONFIGURED_PREFIX}.
     */
    public static String prefix(String token) {
        return GENERATED.matcher(token).matches() ? token.substring(0, MARK.length() + PREFIX_CHARACTERS)
                : CONFIGURED_PREFIX;
    }

    /** The SHA-256 of the token's UTF-8 text, in lower-case hex: what is stored and looked up. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Whether text could be a token at all: printable ASCII without spaces, of a sane length. */
    public static boolean plausible(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
