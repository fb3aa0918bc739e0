package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;

/**
 * The header block of a message, and nothing after it, with each line cut to a bound and the
 * whole block to another: what the header parser sees is bounded whatever the sender wrote, and so
 * is the time spent reading, because reading stops once the block bound is reached. The body is
 * never read.
 *
 * <p>A line longer than its bound is passed on up to one octet past the bound and the rest of it
 * is dropped, so that the field it belongs to is recognisably oversized and can be skipped.
 */
final class HeaderBlockInputStream extends InputStream {

    private final InputStream in;
    private final int maxLine;
    private final long maxBlock;
    /**
     * Made for every message, so small: most header blocks fit into a few of these, and one of 8 KiB was a tenth of
     * what the consumer allocated per message of 2 KiB.
     */
    private final byte[] chunk = new byte[2048];
    private int chunkPos;
    private int chunkLimit;
    private long consumed;
    /** Octets of the current line passed on so far. */
    private int lineLength;
    private boolean afterCr;
    private boolean ended;
    private boolean linesCut;
    private boolean blockCut;

    /**
     * @param maxLine  most octets of one line passed on, line ending excluded; a longer line is cut to {@code maxLine + 1}
     * @param maxBlock most octets read from {@code in}, dropped ones included
     */
    HeaderBlockInputStream(InputStream in, int maxLine, long maxBlock) {
        this.in = in;
        this.maxLine = maxLine;
        this.maxBlock = maxBlock;
    }

    /** Whether a line was longer than the line bound. */
    boolean linesCut() {
        return linesCut;
    }

    /** Whether reading stopped at the block bound, before the end of the header block. */
    boolean blockCut() {
        return blockCut;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int written = 0;
        while (written < len && !ended) {
            if (chunkPos == chunkLimit && !refill()) {
                break;
            }
            byte c = chunk[chunkPos++];
            if (c == '\n') {
                boolean emptyLine = lineLength == 0 || lineLength == 1 && afterCr;
                b[off + written++] = c;
                lineLength = 0;
                afterCr = false;
                if (emptyLine) {
                    // the blank line that ends the header block: the body is not the parser's business
                    ended = true;
                }
                continue;
            }
            afterCr = c == '\r';
            if (lineLength <= maxLine) {
                b[off + written++] = c;
                lineLength++;
            } else {
                linesCut = true;
            }
        }
        return written == 0 && (ended || chunkPos == chunkLimit) ? -1 : written;
    }

    private boolean refill() throws IOException {
        long left = maxBlock - consumed;
        if (left <= 0) {
            blockCut = true;
            ended = true;
            return false;
        }
        int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
        if (n <= 0) {
            ended = true;
            return false;
        }
        consumed += n;
        chunkPos = 0;
        chunkLimit = n;
        return true;
    }
}
