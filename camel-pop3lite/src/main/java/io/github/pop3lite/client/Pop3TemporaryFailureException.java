package io.github.pop3lite.client;

/**
 * The server cannot serve the maildrop now but may later: {@code [IN-USE]} (another session holds
 * the maildrop), {@code [LOGIN-DELAY]} (logged in too recently) or {@code [SYS/TEMP]}. Retry later.
 */
public class Pop3TemporaryFailureException extends Pop3ReplyException {

    private static final long serialVersionUID = 1L;

    public Pop3TemporaryFailureException(String command, Pop3Reply reply) {
        super(command, reply, " (temporary: retry later)");
    }
}
