package io.github.pop3lite.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;

/**
 * The one buffer between the socket and everything that reads server bytes: status lines,
 * listings and message data all take their bytes from here, so a reply that arrives in the same
 * read as the end of the previous one is never lost, and the memory used stays at one buffer.
 *
 * <p>Every refill waits at most until a deadline, over TLS too. Callers set the deadline per line,
 * per listing and per message, so a server that drips one byte at a time cannot hold a read open
 * forever.
 */
final class Pop3Input {

    /**
     * Longest status or listing line accepted, line ending included. RFC 1939 allows 512 octets;
     * twice that tolerates servers with verbose greetings while keeping a hostile server from
     * making us buffer without end.
     */
    static final int MAX_LINE_LENGTH = 1024;

    static final int BUFFER_SIZE = 64 * 1024;

    private final byte[] buffer = new byte[BUFFER_SIZE];
    private InputStream in;
    private Socket socket;
    private final long timeoutMillis;
    private final long minDataRate;
    private int pos;
    private int limit;
    private Runnable onBroken = () -> { };
    /** Whether quick ACKs are to be armed before each read: until the platform turns out not to have them. */
    private boolean quickAck = true;

    /**
     * @param socket        whose read timeout is adjusted to each deadline; {@code null} when the
     *                      stream has no socket (tests), then deadlines are not enforced
     * @param timeoutMillis how long one line, or one buffer of message data, may take to arrive
     */
    Pop3Input(InputStream in, Socket socket, long timeoutMillis) {
        this(in, socket, timeoutMillis, Pop3ClientOptions.DEFAULT_MIN_DATA_RATE);
    }

    /** @param minDataRate octets per second that message data and listings must average; see {@link DataBudget} */
    Pop3Input(InputStream in, Socket socket, long timeoutMillis, long minDataRate) {
        this.in = in;
        this.socket = socket;
        this.timeoutMillis = timeoutMillis;
        this.minDataRate = minDataRate;
    }

    /** A new budget for one multi-line reply; {@code what} names it in the timeout's message. */
    DataBudget newBudget(String what) {
        return new DataBudget(timeoutMillis * 1_000_000L, minDataRate, what);
    }

    /** What to do when the connection fails or the server breaks the protocol: the session is then out of step. */
    void onBroken(Runnable action) {
        this.onBroken = action;
    }

    /** Runs the broken-session action and hands the failure back to be thrown. */
    <E extends IOException> E broken(E failure) {
        onBroken.run();
        return failure;
    }

    /** Switches to a new transport (after STLS) and throws away whatever the old one had sent. */
    int switchTo(InputStream newIn, Socket newSocket) {
        int discarded = limit - pos;
        in = newIn;
        socket = newSocket;
        pos = 0;
        limit = 0;
        return discarded;
    }

    /** Whether deadlines are enforced: only on a socket (tests read from plain streams). */
    boolean timed() {
        return socket != null;
    }

    long newDeadline() {
        return System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    byte[] buffer() {
        return buffer;
    }

    int pos() {
        return pos;
    }

    int limit() {
        return limit;
    }

    void consume(int count) {
        pos += count;
    }

    /**
     * Reads more bytes into the buffer, keeping the unread ones.
     *
     * @return whether any byte arrived; {@code false} at end of stream
     * @throws SocketTimeoutException with the readTimeout message when the deadline passes
     */
    boolean fill(long deadlineNanos) throws IOException {
        return fill(deadlineNanos, this::lineTimeoutMessage);
    }

    /**
     * As {@link #fill(long)}, with the message of the timeout given by the caller. Over TLS a
     * {@link Watchdog} closes the socket at the deadline: the socket's own timeout restarts at each
     * piece of a TLS record, so only that holds a server that drips a record to the deadline.
     */
    boolean fill(long deadlineNanos, Supplier<String> timeoutMessage) throws IOException {
        return fill(deadlineNanos, timeoutMessage, true);
    }

    /** {@code breakOnTimeout} false: the deadline passing throws a timeout but leaves the session intact. */
    private boolean fill(long deadlineNanos, Supplier<String> timeoutMessage, boolean breakOnTimeout) throws IOException {
        if (pos == limit) {
            pos = 0;
            limit = 0;
        } else if (limit == buffer.length) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        Watchdog.Guard guard = null;
        if (socket != null) {
            long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (remainingMillis <= 0) {
                throw timedOut(breakOnTimeout, timeoutMessage);
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
            if (socket instanceof SSLSocket) {
                guard = Watchdog.arm(socket, deadlineNanos);
            }
        }
        int n;
        try {
            n = read();
        } catch (SocketTimeoutException e) {
            throw timedOut(breakOnTimeout, timeoutMessage);
        } catch (IOException e) {
            throw broken(guard != null && guard.fired() ? new SocketTimeoutException(timeoutMessage.get()) : e);
        } finally {
            if (guard != null) {
                guard.close();
            }
        }
        if (n <= 0) {
            if (guard != null && guard.fired()) {
                throw broken(new SocketTimeoutException(timeoutMessage.get()));
            }
            return false;
        }
        limit += n;
        return true;
    }

    private int read() throws IOException {
        if (quickAck && socket != null) {
            quickAck = QuickAck.arm(socket);
        }
        return in.read(buffer, limit, buffer.length - limit);
    }

    /**
     * Waits until a whole line is buffered, or the connection has closed, or the deadline has passed;
     * unlike {@link #readLine()}, the deadline passing does not break the session. For a caller that
     * only wants to know whether the server answers promptly.
     *
     * @return whether a line (or the end of the stream) arrived before the deadline
     */
    boolean awaitLine(long deadlineNanos) throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = pos + scanned; i < limit; i++) {
                if (buffer[i] == '\n') {
                    return true;
                }
            }
            scanned = limit - pos;
            if (scanned >= MAX_LINE_LENGTH || socket == null) {
                // readLine gives the verdict on an over-long line; without a socket there is no deadline
                return true;
            }
            try {
                if (!fill(deadlineNanos, this::lineTimeoutMessage, false)) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }

    private SocketTimeoutException timedOut(boolean breakSession, Supplier<String> message) {
        if (!breakSession) {
            return new SocketTimeoutException("deadline passed");
        }
        return broken(new SocketTimeoutException(message.get()));
    }

    private String lineTimeoutMessage() {
        return "POP3 server sent no complete line within " + timeoutMillis
                + " ms (readTimeout): it is too slow or has stopped answering";
    }

    /**
     * Reads one status or listing line. The line ends at LF; a CR before the LF is dropped. A bare
     * LF ends a line too, so a sloppy server cannot make us wait for a CR that never comes.
     *
     * @return the line without its ending
     * @throws Pop3ProtocolException when the line is longer than {@link #MAX_LINE_LENGTH} or the
     *                               connection closes before its end
     */
    byte[] readLine() throws IOException {
        return readLine(newDeadline(), this::lineTimeoutMessage);
    }

    /** As {@link #readLine()}, by the given deadline, with the given message should it pass. */
    byte[] readLine(long deadline, Supplier<String> timeoutMessage) throws IOException {
        int scanned = 0;
        while (true) {
            // no further than the limit, so that the verdict on a long line does not depend on how it was split
            int scanLimit = Math.min(limit, pos + MAX_LINE_LENGTH);
            for (int i = pos + scanned; i < scanLimit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > pos && buffer[i - 1] == '\r' ? i - 1 : i;
                    byte[] line = Arrays.copyOfRange(buffer, pos, end);
                    pos = i + 1;
                    return line;
                }
            }
            scanned = scanLimit - pos;
            if (scanned >= MAX_LINE_LENGTH) {
                throw broken(new Pop3ProtocolException("POP3 server sent a line longer than " + MAX_LINE_LENGTH
                        + " octets, line end included; RFC 1939 allows 512"));
            }
            if (!fill(deadline, timeoutMessage)) {
                throw broken(new Pop3ProtocolException(scanned == 0
                        ? "POP3 server closed the connection"
                        : "POP3 server closed the connection in the middle of a line"));
            }
        }
    }
}
