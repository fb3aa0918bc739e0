package io.github.pop3lite.component;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Collects a message's bytes in memory up to a threshold and in a spool file beyond it, so that a
 * message of any size costs a bounded amount of heap.
 */
final class MessageSpool extends OutputStream {

    private final long threshold;
    private final Path directory;
    private byte[] memory;
    private Path file;
    private final Supplier<ByteBuffer> fileChunks;
    private ByteBuffer fileChunk;
    private FileChannel fileOut;
    private long length;

    /**
     * @param expectedSize the size the server announced: a message that fits under the threshold is
     *                     then collected in one array of the right size, without regrowing or copying
     * @param fileChunks   gives the native buffer that collects the file's data for large writes,
     *                     asked only when the message goes to a file; one spool at a time may use it.
     *                     Writing each piece of a message as it came from the socket, through a
     *                     BufferedOutputStream, made the spooling of a 200 MiB message about a fifth
     *                     slower on loopback: every write of a heap array is first copied into a
     *                     temporary native buffer, and small writes cost a system call each.
     */
    MessageSpool(long threshold, Path directory, long expectedSize, Supplier<ByteBuffer> fileChunks) {
        this.threshold = threshold;
        this.directory = directory;
        this.fileChunks = fileChunks;
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
            fileOut = FileChannel.open(file, StandardOpenOption.WRITE);
            fileChunk = fileChunks.get().clear();
            toFile(memory, 0, (int) length);
            memory = null;
        }
        if (fileOut != null) {
            toFile(b, off, len);
        } else {
            if (length + len > memory.length) {
                memory = Arrays.copyOf(memory, (int) Math.min(threshold, Math.max(length + len, 2 * memory.length)));
            }
            System.arraycopy(b, off, memory, (int) length, len);
        }
        length += len;
    }

    private void toFile(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, fileChunk.remaining());
            fileChunk.put(b, off, n);
            off += n;
            len -= n;
            if (!fileChunk.hasRemaining()) {
                writeChunk();
            }
        }
    }

    private void writeChunk() throws IOException {
        fileChunk.flip();
        while (fileChunk.hasRemaining()) {
            fileOut.write(fileChunk);
        }
        fileChunk.clear();
    }

    long length() {
        return length;
    }

    /** Ends the writing and hands the content over as a re-readable body. */
    SpooledMessage finish() throws IOException {
        if (fileOut == null) {
            return new SpooledMessage(length == memory.length ? memory : Arrays.copyOf(memory, (int) length));
        }
        try (FileChannel out = fileOut) {
            writeChunk();
        }
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
