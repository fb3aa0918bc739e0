package io.github.pop3lite.component;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Collects a message's bytes in memory up to a threshold and in a spool file beyond it, so that a
 * message of any size costs a bounded amount of heap.
 */
final class MessageSpool extends OutputStream {

    private final long threshold;
    private final Path directory;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long length;

    MessageSpool(long threshold, Path directory) {
        this.threshold = threshold;
        this.directory = directory;
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
            memory.writeTo(fileOut);
            memory = null;
        }
        (fileOut != null ? fileOut : memory).write(b, off, len);
        length += len;
    }

    long length() {
        return length;
    }

    /** Ends the writing and hands the content over as a re-readable body. */
    SpooledMessage finish() throws IOException {
        if (fileOut == null) {
            return new SpooledMessage(memory.toByteArray());
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
            // the spool directory is ours: a leftover file is found and removed by its age, nothing else is at stake
        }
    }
}
