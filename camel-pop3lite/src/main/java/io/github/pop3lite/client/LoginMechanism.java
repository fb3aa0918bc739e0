package io.github.pop3lite.client;

/**
 * LOGIN: the server asks twice (its prompts, usually {@code Username:} and {@code Password:}, are
 * not standardised, so the answers go by order) and the client answers with the user name, then
 * the password.
 */
final class LoginMechanism implements SaslMechanism {

    private final String user;
    private final String password;
    private int step;

    LoginMechanism(String user, String password) {
        this.user = SaslText.require("user name", user, "");
        this.password = SaslText.require("password", password, "");
    }

    @Override
    public String name() {
        return "LOGIN";
    }

    @Override
    public boolean exposesSecret() {
        return true;
    }

    @Override
    public byte[] initialResponse() {
        return null;
    }

    @Override
    public byte[] respond(byte[] challenge) throws Pop3ProtocolException {
        step++;
        if (step == 1) {
            return SaslText.utf8(user);
        }
        if (step == 2) {
            return SaslText.utf8(password);
        }
        throw new Pop3ProtocolException("POP3 server sent a third LOGIN challenge; LOGIN has two");
    }
}
