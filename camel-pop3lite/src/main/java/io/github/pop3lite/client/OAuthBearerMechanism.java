package io.github.pop3lite.client;

/**
 * OAUTHBEARER (RFC 7628): {@code n,a=USER, ^A host=H ^A port=P ^A auth=Bearer TOKEN ^A ^A}. A
 * refused token comes back as a challenge with a JSON error object, which the client answers with
 * the single octet 0x01, as section 3.2.3 says; the server then answers {@code -ERR}.
 */
final class OAuthBearerMechanism implements SaslMechanism {

    private final String user;
    private final String token;
    private final String host;
    private final int port;
    private String failure;

    OAuthBearerMechanism(String user, String token, String host, int port) {
        this.user = SaslText.require("user name", user, "\u0001");
        this.token = SaslText.require("access token", token, "\u0001 ");
        this.host = SaslText.require("host", host, "\u0001");
        this.port = port;
    }

    @Override
    public String name() {
        return "OAUTHBEARER";
    }

    @Override
    public boolean exposesSecret() {
        return true;
    }

    @Override
    public byte[] initialResponse() {
        return SaslText.utf8("n,a=" + SaslText.saslName(user) + ",\u0001host=" + host + "\u0001port=" + port
                + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    @Override
    public byte[] respond(byte[] challenge) throws Pop3ProtocolException {
        if (failure != null) {
            throw new Pop3ProtocolException("POP3 server sent a second OAUTHBEARER challenge after its error");
        }
        failure = BearerError.describe(challenge);
        return new byte[] { 1 };
    }

    @Override
    public String failureDetail() {
        return failure;
    }
}
