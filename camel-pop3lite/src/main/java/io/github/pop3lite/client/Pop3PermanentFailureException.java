package io.github.pop3lite.client;

/** The server reported {@code [SYS/PERM]}: a fault on its side that needs its administrator. */
public class Pop3PermanentFailureException extends Pop3ReplyException {

    private static final long serialVersionUID = 1L;

    public Pop3PermanentFailureException(String command, Pop3Reply reply) {
        super(command, reply, " (permanent server failure: ask the server's administrator)");
    }
}
