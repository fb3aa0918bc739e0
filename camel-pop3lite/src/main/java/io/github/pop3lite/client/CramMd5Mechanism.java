package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** CRAM-MD5 (RFC 2195): {@code user SP hex(HMAC-MD5(password, challenge))}. */
final class CramMd5Mechanism implements SaslMechanism {

    private final String user;
    private final String password;
    private boolean answered;

    CramMd5Mechanism(String user, String password) {
        this.user = SaslText.require("user name", user, "");
        this.password = SaslText.require("password", password, "");
    }

    @Override
    public String name() {
        return "CRAM-MD5";
    }

    @Override
    public boolean exposesSecret() {
        return false;
    }

    @Override
    public byte[] initialResponse() {
        return null;
    }

    @Override
    public byte[] respond(byte[] challenge) throws Pop3ProtocolException {
        if (answered) {
            throw new Pop3ProtocolException("POP3 server sent a second CRAM-MD5 challenge; CRAM-MD5 has one");
        }
        answered = true;
        try {
            Mac hmac = Mac.getInstance("HmacMD5");
            hmac.init(new SecretKeySpec(SaslText.utf8(password), "HmacMD5"));
            String digest = HexFormat.of().formatHex(hmac.doFinal(challenge));
            return (user + " " + digest).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacMD5, which every Java platform must provide", e);
        }
    }
}
