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
    /** The first run in the client's fresh JVM, warm-up or not: what a consumer costs before the JIT compiled it. */
    long firstRunNanos = -1;
    String error;
    boolean outOfMemory;
    /** Bytes; -1 when unknown. */
    long peakHeap = -1;
    long maxHeapAfterGc = -1;
    long peakRss = -1;
    final List<String> notes = new ArrayList<>();

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
