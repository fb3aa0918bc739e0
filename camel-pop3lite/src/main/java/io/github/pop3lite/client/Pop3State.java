package io.github.pop3lite.client;

/** The session states of RFC 1939, plus the end of the session. */
public enum Pop3State {
    /** Greeting read; the client must log in. */
    AUTHORIZATION,
    /** Logged in: the maildrop is open. */
    TRANSACTION,
    /** QUIT sent from TRANSACTION: the server commits deletions. */
    UPDATE,
    /** The connection is closed. */
    CLOSED
}
