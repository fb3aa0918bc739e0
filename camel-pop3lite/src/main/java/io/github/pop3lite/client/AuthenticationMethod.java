package io.github.pop3lite.client;

/**
 * How {@link Pop3Client#login} proves who the user is. The SASL mechanisms (RFC 5034 AUTH) are
 * used only when the server lists them in CAPA {@code SASL ...}, or does not answer CAPA at all.
 */
public enum AuthenticationMethod {
    /**
     * The strongest method the server offers that is safe on this connection, from the CAPA reply
     * the session has (see {@link Pop3Client#login(String, String)} and {@link LoginChoice} for the
     * order). With an access token: OAUTHBEARER, else XOAUTH2.
     */
    AUTO(null),
    /** APOP (RFC 1939): only a digest of the password goes over the wire. */
    APOP(null),
    /** USER and PASS: the password goes over the wire as it is. */
    USER(null),
    /** SASL PLAIN (RFC 4616): the password goes over the wire as it is. */
    PLAIN("PLAIN"),
    /** SASL LOGIN: the password goes over the wire as it is. */
    LOGIN("LOGIN"),
    /** SASL CRAM-MD5 (RFC 2195): an HMAC of the password goes over the wire. */
    CRAM_MD5("CRAM-MD5"),
    /** SASL SCRAM-SHA-1 (RFC 5802): the password stays here, and the server proves it knows it. */
    SCRAM_SHA_1("SCRAM-SHA-1"),
    /** SASL SCRAM-SHA-256 (RFC 7677): the password stays here, and the server proves it knows it. */
    SCRAM_SHA_256("SCRAM-SHA-256"),
    /** SASL XOAUTH2 with an OAuth 2 access token (Microsoft 365, Gmail). */
    XOAUTH2("XOAUTH2"),
    /** SASL OAUTHBEARER (RFC 7628) with an OAuth 2 access token. */
    OAUTHBEARER("OAUTHBEARER");

    private final String saslName;

    AuthenticationMethod(String saslName) {
        this.saslName = saslName;
    }

    /** The SASL mechanism name, or {@code null} for AUTO, APOP and USER. */
    public String saslName() {
        return saslName;
    }

    /** Whether the method logs in with an access token rather than a password. */
    public boolean usesAccessToken() {
        return this == XOAUTH2 || this == OAUTHBEARER;
    }
}
