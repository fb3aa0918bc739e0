package io.github.pop3lite.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A message of any size, made up while it is sent: one block of awkward lines (lines that start
 * with dots, a 100 kB line, NUL and 8-bit octets, empty lines) repeated until the size is reached.
 * {@link #writeTo} sends the block dot-stuffed, as a server does, followed by the terminating line,
 * and records the length and SHA-256 of the message as the client must see it.
 */
public final class GeneratedMessage {

    private static final byte[] PLAIN_BLOCK;
    private static final byte[] STUFFED_BLOCK;

    static {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        String[] dotLines = {".", "..", "...", ".x", "..x", ". ", ".\r", "abc."};
        for (int i = 0; i < 600; i++) {
            StringBuilder line = new StringBuilder();
            if (i % 7 == 0) {
                line.append(dotLines[(i / 7) % dotLines.length]);
            }
            for (int j = 0; j < i % 120; j++) {
                line.append((char) ('a' + (i + j) % 26));
            }
            block.writeBytes(line.toString().getBytes(StandardCharsets.ISO_8859_1));
            block.writeBytes(i % 50 == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
        }
        byte[] binary = new byte[254];
        for (int b = 0, k = 0; b < 256; b++) {
            if (b != '\r' && b != '\n') {
                binary[k++] = (byte) b;
            }
        }
        block.writeBytes(binary);
        block.writeBytes(new byte[] {'\r', '\n'});
        byte[] longLine = new byte[100_000];
        for (int i = 0; i < longLine.length; i++) {
            longLine[i] = (byte) ('A' + i % 26);
        }
        block.writeBytes(longLine);
        block.writeBytes(new byte[] {'\r', '\n', '\r', '\n'});
        PLAIN_BLOCK = block.toByteArray();
        STUFFED_BLOCK = stuff(PLAIN_BLOCK);
    }

    private final long minimumLength;
    private volatile long length = -1;
    private volatile String sha256;

    private GeneratedMessage(long minimumLength) {
        this.minimumLength = minimumLength;
    }

    /** A message of at least {@code octets} octets (whole blocks of about 140 kB). */
    public static GeneratedMessage ofAtLeast(long octets) {
        return new GeneratedMessage(octets);
    }

    /** Sends the message dot-stuffed, then {@code "." CRLF}. */
    public void writeTo(OutputStream out) throws IOException {
        MessageDigest sha = sha256();
        long written = 0;
        while (written < minimumLength) {
            out.write(STUFFED_BLOCK);
            sha.update(PLAIN_BLOCK);
            written += PLAIN_BLOCK.length;
        }
        out.write(new byte[] {'.', '\r', '\n'});
        out.flush();
        sha256 = HexFormat.of().formatHex(sha.digest());
        length = written;
    }

    /** The length of the message as the client must deliver it; known once it was sent. */
    public long length() {
        if (length < 0) {
            throw new IllegalStateException("the message has not been sent yet");
        }
        return length;
    }

    /** The SHA-256 (lower-case hex) of the message as the client must deliver it; known once it was sent. */
    public String sha256Hex() {
        if (sha256 == null) {
            throw new IllegalStateException("the message has not been sent yet");
        }
        return sha256;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a dot before every line that starts with one (RFC 1939); lines end at LF. */
    static byte[] stuff(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + plain.length / 50);
        boolean lineStart = true;
        for (byte b : plain) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "a generated message of at least " + minimumLength + " octets";
    }
}
