package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) without channel binding, built on the JDK's
 * PBKDF2 (which is SCRAM's Hi), HMAC and digests. The server must prove that it knows the
 * password too: a wrong or missing server signature fails the login.
 */
final class ScramMechanism implements SaslMechanism {

    /** RFC 7677 asks servers for at least 4096; fewer would make a stolen exchange cheap to crack. */
    static final int MIN_ITERATIONS = 4096;
    /** Bounds the work a hostile server can make us do. */
    static final int MAX_ITERATIONS = 1_000_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GS2_HEADER = "n,,";

    enum Hash {
        SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1", "PBKDF2WithHmacSHA1", 160),
        SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256);

        final String mechanism;
        final String digest;
        final String hmac;
        final String pbkdf2;
        final int bits;

        Hash(String mechanism, String digest, String hmac, String pbkdf2, int bits) {
            this.mechanism = mechanism;
            this.digest = digest;
            this.hmac = hmac;
            this.pbkdf2 = pbkdf2;
            this.bits = bits;
        }
    }

    private final Hash hash;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean serverVerified;

    ScramMechanism(Hash hash, String user, String password, Supplier<String> nonce) {
        this.hash = hash;
        this.user = SaslText.require("user name", user, "");
        this.password = SaslText.require("password", password, "");
        this.clientNonce = nonce.get();
    }

    /**
     * Looks up the JDK's digest, HMAC and PBKDF2 for {@code hash} and initialises the normalizer of
     * {@link #prepare(String)}: the first login of a JVM otherwise waits for the security providers and the
     * normalization tables to load (about 50 ms, docs/performance.md).
     *
     * @throws IllegalStateException naming the algorithm this JVM lacks
     */
    static void prepare(Hash hash) {
        String algorithm = hash.digest;
        try {
            MessageDigest.getInstance(algorithm);
            algorithm = hash.hmac;
            Mac.getInstance(algorithm);
            algorithm = hash.pbkdf2;
            SecretKeyFactory.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks " + algorithm + ", which " + hash.mechanism
                    + " needs and every Java platform must provide: check the JVM's security providers", e);
        }
        prepare("\u00AA");
    }

    static String randomNonce() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String name() {
        return hash.mechanism;
    }

    @Override
    public boolean exposesSecret() {
        return false;
    }

    @Override
    public byte[] initialResponse() {
        clientFirstBare = "n=" + SaslText.saslName(prepare(user)) + ",r=" + clientNonce;
        return SaslText.utf8(GS2_HEADER + clientFirstBare);
    }

    @Override
    public byte[] respond(byte[] challenge) throws Pop3Exception {
        String message = new String(challenge, StandardCharsets.UTF_8);
        if (expectedServerSignature == null) {
            return clientFinal(message);
        }
        if (serverVerified) {
            throw new Pop3ProtocolException("POP3 server sent another " + name() + " challenge after its final message");
        }
        verifyServerFinal(message);
        return new byte[0];
    }

    @Override
    public void completed() throws Pop3SecurityException {
        if (!serverVerified) {
            throw new Pop3SecurityException("POP3 server accepted the " + name() + " login without proving that it knows"
                    + " the password (no server signature): the session is refused, since the server may be an impostor");
        }
    }

    private byte[] clientFinal(String serverFirst) throws Pop3Exception {
        if (clientFirstBare == null) {
            throw new Pop3ProtocolException("POP3 server sent a " + name() + " challenge before the client's first message");
        }
        String nonce = attribute(serverFirst, 'r');
        String salt = attribute(serverFirst, 's');
        String count = attribute(serverFirst, 'i');
        if (serverFirst.startsWith("m=")) {
            throw new Pop3ProtocolException("POP3 server asked for a " + name() + " extension (m=) that is not supported");
        }
        if (nonce == null || salt == null || count == null) {
            throw new Pop3ProtocolException("POP3 server sent a malformed " + name() + " challenge: '"
                    + Pop3Reply.printable(serverFirst) + "'");
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new Pop3SecurityException("POP3 server's " + name() + " nonce does not extend the client's:"
                    + " the exchange is refused");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            iterations = -1;
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new Pop3SecurityException("POP3 server asked for " + Pop3Reply.printable(count) + " " + name()
                    + " iterations; pop3lite accepts " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        byte[] saltBytes;
        try {
            saltBytes = Base64.getDecoder().decode(salt);
        } catch (IllegalArgumentException e) {
            throw new Pop3ProtocolException("POP3 server sent a " + name() + " salt that is not base64");
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(SaslText.utf8(GS2_HEADER)) + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        try {
            byte[] salted = hi(prepare(password), saltBytes, iterations);
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance(hash.digest).digest(clientKey);
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
            return SaslText.utf8(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks " + hash.pbkdf2 + " or " + hash.hmac
                    + ", which every Java platform must provide", e);
        }
    }

    private void verifyServerFinal(String serverFinal) throws Pop3Exception {
        String error = attribute(serverFinal, 'e');
        if (error != null) {
            throw new Pop3SecurityException("POP3 server ended the " + name() + " exchange with the error '"
                    + Pop3Reply.printable(error) + "'");
        }
        String verifier = attribute(serverFinal, 'v');
        byte[] signature;
        try {
            signature = verifier == null ? null : Base64.getDecoder().decode(verifier);
        } catch (IllegalArgumentException e) {
            signature = null;
        }
        if (signature == null || !MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new Pop3SecurityException("POP3 server sent a wrong " + name() + " server signature: it does not"
                    + " know the password, so it may be an impostor. The session is refused.");
        }
        serverVerified = true;
    }

    private byte[] hi(String normalized, byte[] salt, int iterations) throws GeneralSecurityException {
        // the JDK's PBKDF2 encodes the password as UTF-8, as SCRAM's Hi(str, salt, i) does
        PBEKeySpec spec = new PBEKeySpec(normalized.toCharArray(), salt, iterations, hash.bits);
        try {
            return SecretKeyFactory.getInstance(hash.pbkdf2).generateSecret(spec).getEncoded();
        } finally {
            spec.clearPassword();
        }
    }

    private byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(hash.hmac);
        mac.init(new SecretKeySpec(key, hash.hmac));
        return mac.doFinal(SaslText.utf8(text));
    }

    /** The value of a one-letter attribute of a SCRAM message, or {@code null}. */
    private static String attribute(String message, char name) {
        for (String part : message.split(",", -1)) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return null;
    }

    /**
     * SASLprep (RFC 4013) as far as it matters for real passwords: non-ASCII spaces become spaces,
     * characters mapped to nothing are removed, then NFKC. ASCII text is unchanged.
     */
    static String prepare(String text) {
        StringBuilder mapped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u00AD' || c == '\u034F' || c == '\u1806' || (c >= '\u180B' && c <= '\u180D')
                    || (c >= '\u200B' && c <= '\u200D') || c == '\u2060' || (c >= '\uFE00' && c <= '\uFE0F')
                    || c == '\uFEFF') {
                continue;
            }
            mapped.append(c != ' ' && Character.isSpaceChar(c) ? ' ' : c);
        }
        return Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    }
}
