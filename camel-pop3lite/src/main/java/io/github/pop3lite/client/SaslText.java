package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;

/** Checks and encodings shared by the SASL mechanisms. */
final class SaslText {

    private SaslText() {
    }

    /** Refuses an empty value or one with a character that would end a field of the mechanism's message. */
    static String require(String what, String value, String forbidden) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("The " + what + " for SASL login must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || forbidden.indexOf(c) >= 0) {
                throw new IllegalArgumentException("The " + what + " for SASL login contains a character ("
                        + (c < 0x20 ? String.format("U+%04X", (int) c) : "'" + c + "'")
                        + ") that the mechanism cannot carry; remove it");
            }
        }
        return value;
    }

    /** RFC 5802 / RFC 7628 saslname: ',' and '=' escaped. */
    static String saslName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
