package io.github.pop3lite.client;

/**
 * The {@link AccessTokenProvider} failed or returned no token: the login was not attempted. Like
 * a refused login, retrying at once is unlikely to help.
 */
public class Pop3AccessTokenException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    public Pop3AccessTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
