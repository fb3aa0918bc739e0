package io.github.pop3lite.component;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageSpoolTest {

    private static final int THRESHOLD = 1000;
    /** Smaller than the consumer's MiB, so that a test crosses many chunk boundaries with little data. */
    private static final ByteBuffer CHUNK = ByteBuffer.allocateDirect(4096);

    @TempDir
    Path dir;

    private static byte[] data(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code data} in pieces of the given sizes, over and over. */
    private SpooledMessage spool(byte[] data, long announced, int... pieces) throws Exception {
        MessageSpool spool = new MessageSpool(THRESHOLD, dir, announced, () -> CHUNK);
        int off = 0;
        for (int i = 0; off < data.length; i++) {
            int n = Math.min(pieces[i % pieces.length], data.length - off);
            spool.write(data, off, n);
            off += n;
        }
        assertEquals(data.length, spool.length());
        return spool.finish();
    }

    private static byte[] read(SpooledMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void aMessageUpToTheThresholdStaysInMemoryEvenWhenTheServerAnnouncedLess() throws Exception {
        byte[] data = data(THRESHOLD);
        SpooledMessage message = spool(data, 10, 7, 300, 1);
        assertTrue(message.inMemory());
        assertNull(message.file());
        assertArrayEquals(data, read(message));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aLargerMessageGoesToAFileWhateverTheSizesOfTheWritesAndChunks() throws Exception {
        for (int size : new int[] { THRESHOLD + 1, 4096, 4096 * 3 + 17, 100_000 }) {
            for (int[] pieces : new int[][] { { 1 }, { 999 }, { 4096 }, { 5000, 3, 65536 } }) {
                byte[] data = data(size);
                SpooledMessage message = spool(data, size, pieces);
                assertFalse(message.inMemory());
                assertNotNull(message.file());
                assertEquals(size, Files.size(message.file()), size + " octets in pieces of " + pieces[0]);
                assertArrayEquals(data, read(message));
                try (InputStream in = message) {
                    assertArrayEquals(data, in.readAllBytes(), "read as a stream too");
                }
                Files.delete(message.file());
            }
        }
    }

    @Test
    void discardRemovesTheSpoolFile() throws Exception {
        MessageSpool spool = new MessageSpool(THRESHOLD, dir, 5000, () -> CHUNK);
        spool.write(data(5000), 0, 5000);
        spool.discard();
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
