package io.github.pop3lite.client;

/**
 * The server answered a command with {@code -ERR}. Subclasses say what kind of refusal it was, as
 * far as the response code (RFC 2449, RFC 3206) or the command tells.
 */
public class Pop3ReplyException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    private final String command;
    private final Pop3Reply reply;

    public Pop3ReplyException(String command, Pop3Reply reply) {
        this(command, reply, "");
    }

    protected Pop3ReplyException(String command, Pop3Reply reply, String advice) {
        super("POP3 server refused " + command + ": " + reply.line() + advice);
        this.command = command;
        this.reply = reply;
    }

    /** The command verb the server refused, for example {@code RETR}. */
    public String command() {
        return command;
    }

    public Pop3Reply reply() {
        return reply;
    }

    /** The response code of the refusal, or {@code null} when the server sent none we know. */
    public ResponseCode responseCode() {
        return reply.code();
    }
}
