package io.github.pop3lite.client;

/**
 * XOAUTH2: {@code user=U ^A auth=Bearer TOKEN ^A ^A}. A refused token comes back as a challenge
 * with a JSON error object, which the client acknowledges with an empty response; the server then
 * answers {@code -ERR}.
 */
final class XOAuth2Mechanism implements SaslMechanism {

    private final String user;
    private final String token;
    private String failure;

    XOAuth2Mechanism(String user, String token) {
        this.user = SaslText.require("user name", user, "\u0001");
        this.token = SaslText.require("access token", token, "\u0001 ");
    }

    @Override
    public String name() {
        return "XOAUTH2";
    }

    @Override
    public boolean exposesSecret() {
        return true;
    }

    @Override
    public byte[] initialResponse() {
        return SaslText.utf8("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    @Override
    public byte[] respond(byte[] challenge) throws Pop3ProtocolException {
        if (failure != null) {
            throw new Pop3ProtocolException("POP3 server sent a second XOAUTH2 challenge after its error");
        }
        failure = BearerError.describe(challenge);
        return new byte[0];
    }

    @Override
    public String failureDetail() {
        return failure;
    }
}
