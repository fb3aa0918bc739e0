package io.github.pop3lite.client;

/**
 * The session was stopped before it could become unsafe: a password would have gone out in clear
 * text, or the TLS the caller asked for could not be established.
 */
public class Pop3SecurityException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    public Pop3SecurityException(String message) {
        super(message);
    }

    public Pop3SecurityException(String message, Throwable cause) {
        super(message, cause);
    }
}
