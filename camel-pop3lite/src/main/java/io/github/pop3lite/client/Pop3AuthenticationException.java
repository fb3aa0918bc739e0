package io.github.pop3lite.client;

/** The server refused the credentials: retrying with the same ones will not help. */
public class Pop3AuthenticationException extends Pop3ReplyException {

    private static final long serialVersionUID = 1L;

    public Pop3AuthenticationException(String command, Pop3Reply reply) {
        this(command, reply, null);
    }

    private final String serverDetail;

    /**
     * @param serverDetail what the server said beyond its status line (the RFC 7628 status of a
     *                     refused bearer token), or {@code null}
     */
    public Pop3AuthenticationException(String command, Pop3Reply reply, String serverDetail) {
        super(command, reply, serverDetail == null ? " (check the user name and password)"
                : " (the server said: " + serverDetail + "; check the user name and that the access token is current"
                  + " and has the right scope)");
        this.serverDetail = serverDetail;
    }

    /** What the server said beyond its status line, or {@code null}. */
    public String serverDetail() {
        return serverDetail;
    }
}
