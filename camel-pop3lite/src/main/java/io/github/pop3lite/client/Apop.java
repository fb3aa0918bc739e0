package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** The APOP login of RFC 1939: the greeting's timestamp and the digest sent instead of a password. */
public final class Apop {

    private Apop() {
    }

    /**
     * Finds the APOP timestamp in a greeting: exactly one {@code <...>} token that looks like a
     * msg-id (printable ASCII, no space, an {@code @} with text on both sides). A greeting with
     * none, with two, or with a malformed one offers no APOP, so that an altered greeting cannot
     * choose what we hash.
     * Scans once from left to right: no regular expression, no backtracking.
     */
    public static Optional<String> timestamp(String greeting) {
        int open = greeting.indexOf('<');
        if (open < 0 || greeting.indexOf('<', open + 1) >= 0) {
            return Optional.empty();
        }
        int close = greeting.indexOf('>', open);
        if (close < 0) {
            return Optional.empty();
        }
        int at = -1;
        for (int i = open + 1; i < close; i++) {
            char c = greeting.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return Optional.empty();
            }
            if (c == '@') {
                at = i;
            }
        }
        // RFC 822 msg-id: local-part "@" domain, neither part empty
        if (at <= open + 1 || at >= close - 1) {
            return Optional.empty();
        }
        return Optional.of(greeting.substring(open, close + 1));
    }

    /** The lower-case hex MD5 of the timestamp (brackets included) followed by the secret. */
    public static String digest(String timestamp, String secret) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(timestamp.getBytes(StandardCharsets.ISO_8859_1));
            md5.update(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5, which every Java platform must provide", e);
        }
    }
}
