package io.github.pop3lite.client;

import java.util.Optional;

/**
 * What the pipelining probe of {@link Pipelining#AUTO} found out about one server, kept across its
 * sessions: one instance per server and account, shared by every session with it. Thread-safe.
 *
 * <p>A server that failed the probe stays one command at a time for the life of this object. A
 * server that passed it is probed again after a session that pipelined on that verdict failed, and
 * taken as one that does not pipeline after two such failures in a row: a failed session costs no
 * message, but a server that throws away pipelined commands only now and then should not fail every
 * other session.
 */
public final class PipeliningMemory {

    /** Failed pipelined sessions in a row after which the server is taken as one that does not pipeline. */
    static final int MAX_FAILURES = 2;

    private Boolean verdict;
    private int failuresInARow;

    /** The verdict of the last probe: empty when none ran yet or it is to run again. */
    public synchronized Optional<Boolean> verdict() {
        return Optional.ofNullable(verdict);
    }

    synchronized void probed(boolean accepted) {
        verdict = accepted;
    }

    /** A session that pipelined on the probe's verdict failed: probe again, or give up after repeated failures. */
    synchronized void pipelinedSessionFailed() {
        if (Boolean.TRUE.equals(verdict)) {
            failuresInARow++;
            verdict = failuresInARow >= MAX_FAILURES ? Boolean.FALSE : null;
        }
    }

    /** A session that pipelined on the probe's verdict ended with QUIT answered. */
    synchronized void pipelinedSessionSucceeded() {
        failuresInARow = 0;
    }

    @Override
    public synchronized String toString() {
        return verdict == null ? "not probed" : verdict ? "pipelines" : "one command at a time";
    }
}
