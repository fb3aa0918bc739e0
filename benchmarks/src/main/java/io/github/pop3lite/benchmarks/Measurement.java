package io.github.pop3lite.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one client did on one workload: the timed runs, its memory, or why it failed. */
final class Measurement {

    final Workload workload;
    final String client;
    final String heap;
    final int plannedRuns;
    final List<Long> nanos = new ArrayList<>();
    /** The client JVM's CPU time in each timed run (-1 when it did not tell); empty for mpop. */
    final List<Long> cpuNanos = new ArrayList<>();
    /** The first run in the client's fresh JVM, warm-up or not: what a consumer costs before the JIT compiled it. */
    long firstRunNanos = -1;
    String error;
    boolean outOfMemory;
    /** Bytes; -1 when unknown. */
    long peakHeap = -1;
    long maxHeapAfterGc = -1;
    long peakRss = -1;
    final List<String> notes = new ArrayList<>();
    /** Where the first run of each of the client's JVMs went: one JVM here, --cold-runs JVMs in the cold table. */
    final List<FirstRun> firstRuns = new ArrayList<>();

    /**
     * A fresh JVM's first run, phase by phase, with the classes it loaded and the JIT's time in each (-1 when the
     * JVM does not time its JIT).
     *
     * @param startNanos   from starting the process until its main method was ready (the harness's clock)
     * @param contextNanos building and starting the Camel context, route not started (nothing for raw and the engine)
     * @param pollNanos    the timed run: the route's start (raw: the connect) until the maildrop shows it drained
     */
    record FirstRun(long startNanos, int startClasses, long startJitMillis, long contextNanos, int contextClasses,
                    long contextJitMillis, long pollNanos, int pollClasses, long pollJitMillis) {
    }

    Measurement(Workload workload, String client, String heap, int plannedRuns) {
        this.workload = workload;
        this.client = client;
        this.heap = heap;
        this.plannedRuns = plannedRuns;
    }

    boolean ok() {
        return error == null && !nanos.isEmpty();
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        if (n == 0) {
            throw new IllegalArgumentException("no values");
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double medianSeconds() {
        return median(nanos) / 1e9;
    }

    double messagesPerSecond() {
        return workload.take() / medianSeconds();
    }

    double mibPerSecond() {
        return workload.totalBytes() / (1024.0 * 1024.0) / medianSeconds();
    }
}
