package io.github.pop3lite.client;

/** How {@link Pop3Client#login} proves who the user is. */
public enum AuthenticationMethod {
    /** APOP when the greeting offers a timestamp and the connection is not encrypted; USER/PASS otherwise. */
    AUTO,
    /** APOP (RFC 1939): only a digest of the password goes over the wire. */
    APOP,
    /** USER and PASS: the password goes over the wire as it is. */
    USER
}
