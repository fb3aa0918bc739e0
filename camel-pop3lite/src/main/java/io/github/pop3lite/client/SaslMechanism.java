package io.github.pop3lite.client;

import java.io.IOException;

/**
 * One SASL mechanism (RFC 4422) as {@link Pop3Client#authenticate} drives it over POP3 AUTH
 * (RFC 5034). One instance serves one login attempt: it may keep state between challenges.
 * The factories below make the mechanisms pop3lite knows; any other can be plugged in.
 */
public interface SaslMechanism {

    /** The mechanism's registered name, as the server lists it in CAPA SASL, for example {@code SCRAM-SHA-256}. */
    String name();

    /**
     * Whether the responses carry the secret itself (a password or a bearer token), so that the
     * clear-text rule applies: such a mechanism runs only over TLS, to a loopback server, or with
     * {@link Pop3ClientOptions#allowPlaintextPassword()}.
     */
    boolean exposesSecret();

    /**
     * The client's first response, sent with AUTH or after the server's first empty challenge, or
     * {@code null} when the mechanism starts with a server challenge (LOGIN, CRAM-MD5).
     */
    byte[] initialResponse() throws IOException;

    /**
     * Answers one server challenge (already base64-decoded).
     *
     * @throws Pop3SecurityException when the challenge proves the server is not who it claims
     *                               (a wrong SCRAM server signature); the exchange is then cancelled
     * @throws Pop3ProtocolException when the challenge is not what the mechanism allows
     */
    byte[] respond(byte[] challenge) throws IOException;

    /**
     * Called when the server answered {@code +OK}: a mechanism that authenticates the server too
     * (SCRAM) refuses the session unless the server proved itself.
     */
    default void completed() throws IOException {
    }

    /**
     * What the server said about a failure in its last challenge (the RFC 7628 JSON status of a
     * bearer mechanism), for the error message; {@code null} when it said nothing.
     */
    default String failureDetail() {
        return null;
    }

    /** PLAIN (RFC 4616), without an authorization identity. */
    static SaslMechanism plain(String user, String password) {
        return new PlainMechanism(user, password);
    }

    /** LOGIN (the obsolete draft-murchison-sasl-login): user name and password as two answers. */
    static SaslMechanism login(String user, String password) {
        return new LoginMechanism(user, password);
    }

    /** CRAM-MD5 (RFC 2195): the password never leaves this machine, but the server must know it in clear. */
    static SaslMechanism cramMd5(String user, String password) {
        return new CramMd5Mechanism(user, password);
    }

    /** SCRAM-SHA-1 (RFC 5802), without channel binding; the server's signature is verified. */
    static SaslMechanism scramSha1(String user, String password) {
        return new ScramMechanism(ScramMechanism.Hash.SHA_1, user, password, ScramMechanism::randomNonce);
    }

    /** SCRAM-SHA-256 (RFC 7677), without channel binding; the server's signature is verified. */
    static SaslMechanism scramSha256(String user, String password) {
        return new ScramMechanism(ScramMechanism.Hash.SHA_256, user, password, ScramMechanism::randomNonce);
    }

    /** XOAUTH2 (Google's and Microsoft's bearer-token mechanism). */
    static SaslMechanism xoauth2(String user, String accessToken) {
        return new XOAuth2Mechanism(user, accessToken);
    }

    /** OAUTHBEARER (RFC 7628), naming the server's host and port as the RFC recommends. */
    static SaslMechanism oauthBearer(String user, String accessToken, String host, int port) {
        return new OAuthBearerMechanism(user, accessToken, host, port);
    }
}
