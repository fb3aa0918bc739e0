package io.github.pop3lite.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The data of a multi-line reply (RETR, TOP), read straight from the session's buffer: removes
 * the stuffed dot at the start of a line and ends exactly at the terminating {@code "."} line,
 * leaving the next reply in the buffer.
 *
 * <p>The line state survives buffer refills, so a terminator or a stuffed dot split between two
 * reads is handled like any other. Lines end at LF; a {@code "."} line ends the data whether it
 * ends in CRLF or in a bare LF, and all other bytes (CR, NUL, 8-bit) pass through unchanged.
 *
 * <p>The data must keep to a {@link DataBudget}: no wait longer than readTimeout, and on average at
 * least minDataRate after a first readTimeout, so a server that trickles bytes cannot hold the
 * stream open forever. Only the time spent waiting for the server counts, not the time the caller
 * takes between reads. When a limit is given (the size LIST announced, with a tolerance), data
 * beyond it ends the stream with a {@link Pop3MessageTooLargeException}. A connection closed
 * before the terminator is an error, never a short message.
 *
 * <p>Closing the stream before its end reads and discards the rest, so the session stays in step.
 */
final class DotTerminatedInputStream extends InputStream {

    private static final int LINE_START = 0;
    private static final int DOT = 1;
    private static final int DOT_CR = 2;
    private static final int MID_LINE = 3;
    private static final int DONE = 4;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Pop3Input input;
    private int state = LINE_START;
    private long delivered;
    /** For {@link #read()}: a caller reading byte by byte should not allocate for every byte. */
    private final byte[] one = new byte[1];
    private final DataBudget budget;
    private final long announced;
    private final long limit;
    private boolean failed;

    /** Data without a size limit. */
    DotTerminatedInputStream(Pop3Input input) {
        this(input, -1, Long.MAX_VALUE);
    }

    /**
     * @param announced the size the server announced, or -1; for the error message
     * @param limit     most octets accepted (after dot-unstuffing)
     */
    DotTerminatedInputStream(Pop3Input input, long announced, long limit) {
        this.input = input;
        this.budget = input.newBudget("message data");
        this.announced = announced;
        this.limit = limit;
    }

    /** Whether the terminating line has been read. */
    boolean isDone() {
        return state == DONE;
    }

    /** Octets delivered so far, after dot-unstuffing. */
    long delivered() {
        return delivered;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (delivered > limit) {
            failed = true;
            throw input.broken(new Pop3MessageTooLargeException("POP3 server sent more than " + limit
                    + " octets of a message it announced as " + announced + " octets in LIST; the download was cut"
                    + " there", announced, limit));
        }
        // one octet past the limit at most, handed over before the stream fails: a caller's own, lower limit
        // (maxMessageSize) sees its excess first
        if (limit - delivered < len) {
            len = (int) (limit - delivered + 1);
        }
        byte[] buf = input.buffer();
        int written = 0;
        while (written < len && state != DONE) {
            int pos = input.pos();
            int limit = input.limit();
            if (pos == limit) {
                if (written > 0) {
                    break;
                }
                refill();
                continue;
            }
            switch (state) {
                case MID_LINE -> {
                    int end = pos + Math.min(limit - pos, len - written);
                    int i = pos;
                    while (i < end) {
                        int lf = indexOfLf(buf, i, end);
                        if (lf < 0) {
                            i = end;
                            break;
                        }
                        i = lf + 1;
                        // only a line that starts with a dot needs a look; any other line is more of the same data
                        if (i == limit || buf[i] == '.') {
                            state = LINE_START;
                            break;
                        }
                    }
                    System.arraycopy(buf, pos, b, off + written, i - pos);
                    written += i - pos;
                    input.consume(i - pos);
                }
                case LINE_START -> {
                    if (buf[pos] == '.') {
                        input.consume(1);
                        state = DOT;
                    } else {
                        state = MID_LINE;
                    }
                }
                case DOT -> {
                    if (buf[pos] == '\r') {
                        input.consume(1);
                        state = DOT_CR;
                    } else if (buf[pos] == '\n') {
                        input.consume(1);
                        state = DONE;
                    } else {
                        // a stuffed dot: it is dropped and the rest of the line is data
                        state = MID_LINE;
                    }
                }
                case DOT_CR -> {
                    if (buf[pos] == '\n') {
                        input.consume(1);
                        state = DONE;
                    } else {
                        // ".\r" followed by more data is a stuffed line that starts with CR
                        b[off + written++] = '\r';
                        state = MID_LINE;
                    }
                }
                default -> throw new IllegalStateException("unknown state " + state);
            }
        }
        delivered += written;
        return written == 0 ? -1 : written;
    }

    /**
     * The index of the first LF in {@code [from, to)}, or -1. Looks at eight bytes at a time: message
     * data is mostly line content, and this scan is what every octet of it goes through.
     */
    static int indexOfLf(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
            // a byte of x is zero where b holds LF; the lowest flagged byte is always a true one
            long zeros = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void refill() throws IOException {
        if (!input.timed()) {
            fillOrFail(Long.MAX_VALUE);
            return;
        }
        budget.received(delivered);
        long deadline;
        try {
            deadline = budget.nextDeadline();
        } catch (SocketTimeoutException e) {
            failed = true;
            throw input.broken(e);
        }
        // only the waits count: a deadline fixed in wall-clock time would also count the caller's pauses between
        // reads, and fail a stream whose server is fast while the caller processes what it already has
        long started = System.nanoTime();
        try {
            fillOrFail(deadline);
        } finally {
            budget.waited(System.nanoTime() - started);
        }
    }

    private void fillOrFail(long deadline) throws IOException {
        boolean filled;
        try {
            filled = input.fill(deadline, budget::message);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
        if (!filled) {
            failed = true;
            throw input.broken(new Pop3ProtocolException("POP3 server closed the connection before the end of the"
                    + " message data (" + delivered + " octets received): the message is incomplete"));
        }
    }

    @Override
    public void close() throws IOException {
        if (state == DONE || failed) {
            return;
        }
        byte[] skip = new byte[8192];
        while (read(skip, 0, skip.length) >= 0) {
            // discard the rest so the next reply is read from the right place
        }
    }
}
