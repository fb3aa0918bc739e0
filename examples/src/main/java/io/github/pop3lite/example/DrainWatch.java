package io.github.pop3lite.example;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;

/**
 * Learns from the pop3lite consumer when a poll has ended and how many messages it routed, so that the example
 * knows when the maildrop has been drained. Set on the pop3lite endpoint as its {@code pollStrategy}.
 *
 * <p>A poll's count includes the messages the dead letter channel took: their Exchange succeeded, so they were
 * deleted from the server like the others.
 */
final class DrainWatch implements PollingConsumerPollStrategy {

    private int polls;
    private int routed;
    private Exception failure;
    private int failedMessages;
    private Exception firstMessageFailure;

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public synchronized void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        polls++;
        routed += polledMessages;
        failure = null;
    }

    @Override
    public synchronized boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        polls++;
        failure = cause;
        // no retry within the same poll; the consumer logs the failure and polls again after its delay
        return false;
    }

    /**
     * A message whose Exchange failed (even its dead letter could not be sent): pop3lite leaves it on the server.
     */
    synchronized void messageFailed(Exception cause) {
        failedMessages++;
        if (firstMessageFailure == null) {
            firstMessageFailure = cause;
        }
    }

    /** Messages whose Exchange failed, and which so stayed on the server. */
    synchronized int failedMessages() {
        return failedMessages;
    }

    /** Why the first of those failed. */
    synchronized Exception firstMessageFailure() {
        return firstMessageFailure;
    }

    /** Polls that have ended, successfully or not. */
    synchronized int polls() {
        return polls;
    }

    /** Messages routed (and so deleted from the server) by all the polls so far. */
    synchronized int routed() {
        return routed;
    }

    /** Why the last poll failed, or {@code null} when it succeeded. */
    synchronized Exception failure() {
        return failure;
    }
}
