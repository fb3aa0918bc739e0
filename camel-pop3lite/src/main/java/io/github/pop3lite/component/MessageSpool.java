package io.github.pop3lite.component;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Collects a message's bytes in memory up to a threshold and in a spool file beyond it, so that a
 * message of any size costs a bounded amount of heap.
 */
final class MessageSpool extends OutputStream {

    private final long threshold;
    private final Path directory;
    private byte[] memory;
    private Path file;
    private OutputStream fileOut;
    private long length;

    /**
     * @param expectedSize the size the server announced: a message that fits under the threshold is
     *                     then collected in one array of the right size, without regrowing or copying
     */
    MessageSpool(long threshold, Path directory, long expectedSize) {
        this.threshold = threshold;
        this.directory = directory;
        this.memory = new byte[(int) Math.max(0, Math.min(expectedSize, threshold))];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && length + len > threshold) {
            Files.createDirectories(directory);
            file = Files.createTempFile(directory, "pop3lite-", ".eml");
            fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            fileOut.write(memory, 0, (int) length);
            memory = null;
        }
        if (fileOut != null) {
            fileOut.write(b, off, len);
        } else {
            if (length + len > memory.length) {
                memory = Arrays.copyOf(memory, (int) Math.min(threshold, Math.max(length + len, 2 * memory.length)));
            }
            System.arraycopy(b, off, memory, (int) length, len);
        }
        length += len;
    }

    long length() {
        return length;
    }

    /** Ends the writing and hands the content over as a re-readable body. */
    SpooledMessage finish() throws IOException {
        if (fileOut == null) {
            return new SpooledMessage(length == memory.length ? memory : Arrays.copyOf(memory, (int) length));
        }
        fileOut.close();
        return new SpooledMessage(file, length);
    }

    /** Throws the content away (a download that failed). */
    void discard() {
        try {
            if (fileOut != null) {
                fileOut.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // nothing is lost: the message stays on the server, and a leftover spool file only takes disk space
        }
    }
}
