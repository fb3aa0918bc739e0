package io.github.pop3lite.client;

/**
 * Supplies the OAuth 2 access token for XOAUTH2 and OAUTHBEARER. It is asked before every login,
 * so that a long-running consumer always presents a fresh token: return a cached one while it is
 * valid and refresh it when it is about to expire (OAuth client libraries such as MSAL4J and
 * Google's auth library do that for you).
 */
@FunctionalInterface
public interface AccessTokenProvider {

    /**
     * @param username the user name of the maildrop being logged in to
     * @return the access token, without any {@code Bearer } prefix
     * @throws Exception when no token can be had; the login then fails with a
     *                   {@link Pop3AccessTokenException} and nothing is sent to the server
     */
    String accessToken(String username) throws Exception;
}
