package io.github.pop3lite.client;

/** The server refused the credentials: retrying with the same ones will not help. */
public class Pop3AuthenticationException extends Pop3ReplyException {

    private static final long serialVersionUID = 1L;

    public Pop3AuthenticationException(String command, Pop3Reply reply) {
        super(command, reply, " (check the user name and password)");
    }

    /** @param advice what the user should check, appended to the server's reply in the message */
    public Pop3AuthenticationException(String command, Pop3Reply reply, String advice) {
        super(command, reply, advice);
    }
}
