package io.github.pop3lite.client;

/**
 * The server broke the protocol: a malformed or over-long reply, or a connection closed in the
 * middle of a reply. The session cannot be trusted any more and should be closed.
 */
public class Pop3ProtocolException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    public Pop3ProtocolException(String message) {
        super(message);
    }
}
