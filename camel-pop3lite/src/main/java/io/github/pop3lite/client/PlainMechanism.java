package io.github.pop3lite.client;

import java.io.ByteArrayOutputStream;

/** PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}, sent at once. */
final class PlainMechanism implements SaslMechanism {

    private final String user;
    private final String password;

    PlainMechanism(String user, String password) {
        this.user = SaslText.require("user name", user, "\0");
        this.password = SaslText.require("password", password, "\0");
    }

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public boolean exposesSecret() {
        return true;
    }

    @Override
    public byte[] initialResponse() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(SaslText.utf8(user));
        out.write(0);
        out.writeBytes(SaslText.utf8(password));
        return out.toByteArray();
    }

    @Override
    public byte[] respond(byte[] challenge) throws Pop3ProtocolException {
        throw new Pop3ProtocolException("POP3 server sent a challenge after the PLAIN response, which has only one step");
    }
}
