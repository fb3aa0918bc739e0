package io.github.pop3lite.benchmarks;

import java.io.IOException;
import java.nio.file.Path;

/** The POP3 server the clients drain: a private Dovecot, or GreenMail in this JVM when Dovecot is not available. */
interface MailServer extends AutoCloseable {

    /** For the report, e.g. "Dovecot 2.3.19 (Debian)". */
    String description();

    String host();

    int port();

    /** The implicit-TLS (POP3S) port. */
    default int tlsPort() {
        throw new UnsupportedOperationException(description() + " has no POP3S port here");
    }

    /** The server's self-signed certificate (PEM), for the clients' trust store on POP3S. */
    default Path certificate() {
        throw new UnsupportedOperationException(description() + " has no POP3S port here");
    }

    String user();

    String password();

    /** Empties the maildrop and fills it with these messages; called while no session is open. */
    void load(MessageFiles messages) throws IOException;

    /** Whether the maildrop is empty, i.e. the client's deletions were committed. Cheap: polled in a loop. */
    boolean isEmpty() throws IOException;

    /** How many messages the maildrop holds (for error messages). */
    long count() throws IOException;

    @Override
    void close() throws Exception;
}
