package io.github.pop3lite.client;

import java.util.Locale;

/** The response codes (RFC 2449, RFC 3206) that change what a client should do. */
public enum ResponseCode {
    /** Another session holds the maildrop. */
    IN_USE("IN-USE"),
    /** The user logged in more recently than the server allows. */
    LOGIN_DELAY("LOGIN-DELAY"),
    /** A transient failure on the server's side. */
    SYS_TEMP("SYS/TEMP"),
    /** A permanent failure on the server's side. */
    SYS_PERM("SYS/PERM"),
    /** The credentials were wrong. */
    AUTH("AUTH");

    private final String token;

    ResponseCode(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /**
     * The code named by a bracketed token, ignoring case and any {@code /}-separated detail that
     * goes beyond the codes we know; {@code null} for codes we do not know, which RFC 2449 says to
     * ignore.
     */
    public static ResponseCode fromToken(String token) {
        String upper = token.toUpperCase(Locale.ROOT);
        for (ResponseCode code : values()) {
            if (upper.equals(code.token) || upper.startsWith(code.token + "/")) {
                return code;
            }
        }
        return null;
    }

    /** Whether a later attempt with the same request may succeed. */
    public boolean isTransient() {
        return this == IN_USE || this == LOGIN_DELAY || this == SYS_TEMP;
    }
}
