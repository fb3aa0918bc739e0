package io.github.pop3lite.client;

import java.net.Socket;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a socket when a deadline passes. A socket's read timeout bounds each wait for bytes, but
 * a TLS socket's read blocks until a whole record (up to 16 KiB) or a whole handshake message has
 * arrived, restarting that timeout at every piece: a server that sends a record one octet at a
 * time, each just inside the timeout, would hold the read for hours. Closing the socket from
 * another thread is the one way to end such a read on time.
 *
 * <p>One daemon thread serves every session of the JVM; it only ever closes sockets.
 */
final class Watchdog {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private Watchdog() {
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "pop3lite-deadline-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // a cancelled guard leaves the queue at once: a busy session arms and cancels one per read
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Closes {@code socket} at {@code deadlineNanos} (System.nanoTime) unless cancelled first. */
    static Guard arm(Socket socket, long deadlineNanos) {
        Guard guard = new Guard(socket);
        guard.task = TIMER.schedule(guard::fire, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        return guard;
    }

    /** One armed deadline. */
    static final class Guard implements AutoCloseable {

        private final Socket socket;
        private volatile boolean fired;
        private ScheduledFuture<?> task;

        private Guard(Socket socket) {
            this.socket = socket;
        }

        private void fire() {
            fired = true;
            Connector.closeQuietly(socket);
        }

        /** Whether the deadline passed and the socket was closed. */
        boolean fired() {
            return fired;
        }

        /** Disarms the guard; the socket stays open unless it fired already. */
        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
