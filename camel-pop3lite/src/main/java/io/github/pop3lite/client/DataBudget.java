package io.github.pop3lite.client;

import java.net.SocketTimeoutException;

/**
 * The time a multi-line reply (a message, a listing) may spend waiting for the server: no single
 * wait longer than readTimeout, and all waits together at most readTimeout plus the octets
 * received so far divided by minDataRate. A server that keeps a transfer alive with a trickle is
 * thus cut off once it falls behind the minimum rate, and the longest a reply of N octets can take
 * is readTimeout + N / minDataRate. Only waiting counts, not the time the caller spends between
 * reads.
 */
final class DataBudget {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long timeoutNanos;
    private final long minDataRate;
    private final String what;
    private long waitedNanos;
    private long received;
    private boolean boundByRate;

    /** @param what what is being received, for the timeout's message: "message data", "the LIST listing" */
    DataBudget(long timeoutNanos, long minDataRate, String what) {
        this.timeoutNanos = timeoutNanos;
        this.minDataRate = minDataRate;
        this.what = what;
    }

    /** Octets received so far, in all. */
    void received(long total) {
        received = total;
    }

    void waited(long nanos) {
        waitedNanos += nanos;
    }

    /**
     * The deadline (System.nanoTime) of the next wait.
     *
     * @throws SocketTimeoutException when the budget is spent already
     */
    long nextDeadline() throws SocketTimeoutException {
        long allowed = timeoutNanos + nanosFor(received);
        long left = allowed - waitedNanos;
        if (left <= 0) {
            boundByRate = true;
            throw new SocketTimeoutException(message());
        }
        boundByRate = left < timeoutNanos;
        return System.nanoTime() + Math.min(timeoutNanos, left);
    }

    /** The message of a timeout of the wait whose deadline {@link #nextDeadline()} gave last. */
    String message() {
        if (!boundByRate) {
            return "POP3 server sent nothing for " + timeoutNanos / 1_000_000 + " ms (readTimeout) in the middle of "
                    + what + ": it is too slow or has stopped answering";
        }
        return "POP3 server sent " + what + " too slowly: " + received + " octets in " + waitedNanos / 1_000_000
                + " ms of waiting, less than minDataRate " + minDataRate + " octets/s after the first "
                + timeoutNanos / 1_000_000 + " ms (readTimeout)";
    }

    /** octets / minDataRate seconds, in nanoseconds, without overflow for any octet count. */
    private long nanosFor(long octets) {
        long whole = octets / minDataRate;
        if (whole >= Long.MAX_VALUE / NANOS_PER_SECOND) {
            return Long.MAX_VALUE / 2;
        }
        return whole * NANOS_PER_SECOND + (octets % minDataRate) * NANOS_PER_SECOND / minDataRate;
    }
}
