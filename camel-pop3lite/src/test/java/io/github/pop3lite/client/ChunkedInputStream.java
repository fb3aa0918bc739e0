package io.github.pop3lite.client;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Serves fixed bytes in reads of at most a given size, as a network does, but deterministically:
 * a reader that forgets its state between reads fails here at every split, not once in a while.
 * After the last byte it reports end of stream.
 */
final class ChunkedInputStream extends InputStream {

    private final byte[] data;
    private final int[] chunkSizes;
    private int pos;
    private int nextChunk;
    private int reads;

    /** @param chunkSizes the largest size of each read, used in turn and then cycled */
    ChunkedInputStream(byte[] data, int... chunkSizes) {
        if (chunkSizes.length == 0 || Arrays.stream(chunkSizes).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("chunk sizes must be at least 1: " + Arrays.toString(chunkSizes));
        }
        this.data = data.clone();
        this.chunkSizes = chunkSizes.clone();
    }

    /** Reads of exactly {@code k} bytes (the last one may be shorter). */
    static ChunkedInputStream ofChunks(byte[] data, int k) {
        return new ChunkedInputStream(data, k);
    }

    /** Reads of 1, 2, 3, 4, 5, 1, 2, ... bytes. */
    static ChunkedInputStream cycling(byte[] data) {
        return new ChunkedInputStream(data, 1, 2, 3, 4, 5);
    }

    /** Two reads: {@code [0, position)} and the rest; {@code 0 < position < data.length}. */
    static ChunkedInputStream splitAt(byte[] data, int position) {
        if (position <= 0 || position >= data.length) {
            throw new IllegalArgumentException("split position " + position + " outside 1.." + (data.length - 1));
        }
        return new ChunkedInputStream(data, position, data.length - position);
    }

    /** How many reads returned data so far. */
    int reads() {
        return reads;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos == data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, chunkSizes[nextChunk]), data.length - pos);
        nextChunk = (nextChunk + 1) % chunkSizes.length;
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        reads++;
        return n;
    }
}
