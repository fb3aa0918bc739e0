package io.github.pop3lite.component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;

import static org.awaitility.Awaitility.await;

/**
 * A poll strategy ({@code pollStrategy=#polls}) that records the outcome of every poll: how many
 * messages it routed, or the exception that escaped it (what the consumer's health check counts).
 * Recorded after {@code poll()} returned, so after the session's QUIT.
 */
public final class PollRecorder implements PollingConsumerPollStrategy {

    /** One poll: {@code routed} messages, or {@code failure} (then routed is -1). */
    public record Poll(int routed, Exception failure, long startNanos, long endNanos) {

        public boolean failed() {
            return failure != null;
        }

        public Duration duration() {
            return Duration.ofNanos(endNanos - startNanos);
        }
    }

    private final List<Poll> polls = new CopyOnWriteArrayList<>();
    private volatile long started;

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        started = System.nanoTime();
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        polls.add(new Poll(polledMessages, null, started, System.nanoTime()));
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        polls.add(new Poll(-1, cause, started, System.nanoTime()));
        return false;
    }

    public List<Poll> polls() {
        return List.copyOf(polls);
    }

    public int count() {
        return polls.size();
    }

    public Poll get(int index) {
        return polls.get(index);
    }

    /** The routed count of each poll so far, -1 for a failed one. */
    public List<Integer> routedCounts() {
        return polls.stream().map(Poll::routed).toList();
    }

    /**
     * Waits until at least {@code total} polls have ended. Exceptions of other threads (say, GreenMail's
     * handler when the client aborts a TLS handshake, as it must) are not the test's business here.
     */
    public void awaitPolls(int total) {
        await("poll " + total).atMost(Duration.ofSeconds(15)).dontCatchUncaughtExceptions()
                .until(() -> polls.size() >= total);
    }

    /** Waits for {@code more} polls after the ones ended so far. */
    public void awaitMorePolls(int more) {
        awaitPolls(polls.size() + more);
    }
}
