package io.github.pop3lite.component;

/** A poll that went wrong in a way the user can act on; its message says what happened and what to do. */
public class Pop3LiteException extends Exception {

    private static final long serialVersionUID = 1L;

    public Pop3LiteException(String message) {
        super(message);
    }

    public Pop3LiteException(String message, Throwable cause) {
        super(message, cause);
    }
}
