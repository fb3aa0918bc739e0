package io.github.pop3lite.component;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;

/**
 * A downloaded message as an Exchange body: re-readable, and held in memory only when it is small.
 * Larger ones live in a spool file that the consumer removes when the Exchange completes.
 */
final class SpooledMessage extends InputStream implements StreamCache {

    private final byte[] bytes;
    private final Path file;
    private final long length;
    private InputStream in;
    private long position;

    SpooledMessage(byte[] bytes) {
        this.bytes = bytes;
        this.file = null;
        this.length = bytes.length;
    }

    SpooledMessage(Path file, long length) {
        this.bytes = null;
        this.file = file;
        this.length = length;
    }

    private InputStream open() throws IOException {
        return file == null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    private InputStream in() throws IOException {
        if (in == null) {
            in = open();
        }
        return in;
    }

    @Override
    public int read() throws IOException {
        int b = in().read();
        if (b >= 0) {
            position++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in().read(b, off, len);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, length - position);
    }

    @Override
    public void reset() {
        closeQuietly();
        position = 0;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // a read-only stream on a spool file or an array: nothing is lost
            }
            in = null;
        }
    }

    @Override
    public void writeTo(OutputStream os) throws IOException {
        try (InputStream all = open()) {
            all.transferTo(os);
        }
    }

    @Override
    public StreamCache copy(Exchange exchange) {
        return file == null ? new SpooledMessage(bytes) : new SpooledMessage(file, length);
    }

    @Override
    public boolean inMemory() {
        return file == null;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long position() {
        return position;
    }

    /** The spool file, or {@code null} when the message is held in memory. */
    Path file() {
        return file;
    }
}
