package io.github.pop3lite.client;

/**
 * The server sent more message data than the size it announced in LIST allows (with the
 * tolerance of {@link Pop3Client#dataLimit(long)}): the download was cut there and the session
 * closed, because the data could go on without end.
 */
public class Pop3MessageTooLargeException extends Pop3ProtocolException {

    private static final long serialVersionUID = 1L;

    private final long announced;
    private final long limit;

    public Pop3MessageTooLargeException(String message, long announced, long limit) {
        super(message);
        this.announced = announced;
        this.limit = limit;
    }

    /** The size the server announced, in octets. */
    public long announced() {
        return announced;
    }

    /** The most octets accepted for that size. */
    public long limit() {
        return limit;
    }
}
