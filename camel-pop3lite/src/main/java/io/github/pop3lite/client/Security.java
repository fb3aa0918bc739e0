package io.github.pop3lite.client;

/** How the connection to the server is protected. */
public enum Security {
    /** Plain TCP. Passwords are then only sent by APOP, to loopback, or with an explicit opt-in. */
    NONE,
    /** Plain TCP upgraded by STLS (RFC 2595) before login; fails if the server cannot do it. */
    STARTTLS,
    /** TLS from the first byte (RFC 8314), port 995 by default. */
    TLS;

    public int defaultPort() {
        return this == TLS ? 995 : 110;
    }
}
