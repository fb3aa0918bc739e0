package io.github.pop3lite.client;

import java.io.IOException;

/** Base of every failure the engine reports about a POP3 session. */
public class Pop3Exception extends IOException {

    private static final long serialVersionUID = 1L;

    public Pop3Exception(String message) {
        super(message);
    }

    public Pop3Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
