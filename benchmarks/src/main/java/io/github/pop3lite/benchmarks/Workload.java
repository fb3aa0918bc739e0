package io.github.pop3lite.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What is in the maildrop at the start of a run, and how the client reaches the server.
 *
 * @param key       a to h
 * @param count     number of messages
 * @param size      octets of each message, exactly as the server sends them (CRLF line ends)
 * @param latencyMs delay added in each direction by the {@link LatencyProxy}, 0 for none
 * @param link      the way to the server
 * @param take      messages a client drains in one run: all of them, or for h the first ones
 *                  ({@code maxMessagesPerPoll} of pop3lite)
 */
record Workload(String key, int count, long size, int latencyMs, Link link, int take) {

    /** The way from the client to the server. */
    enum Link {
        /** Straight to the server's plain port, or through the latency proxy when latencyMs is above 0. */
        PLAIN,
        /** Through the {@link LatencyProxy}, which also removes PIPELINING from the CAPA reply. */
        NO_PIPELINING,
        /**
         * Through the proxy without delay: PIPELINING removed from CAPA, and each chunk the server sends written
         * to the client as its first line and the rest, in two writes, with Nagle's algorithm on.
         */
        PIECES,
        /** Straight to the server's implicit-TLS port (POP3S). */
        TLS,
        /** To the {@link SyntheticPop3Server} in the harness instead of Dovecot. */
        SYNTHETIC
    }

    Workload(String key, int count, long size, int latencyMs) {
        this(key, count, size, latencyMs, Link.PLAIN);
    }

    Workload(String key, int count, long size, int latencyMs, Link link) {
        this(key, count, size, latencyMs, link, count);
    }

    static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    static final long KB = 1024;
    static final long MB = 1024 * 1024;

    /**
     * The workloads of issues 5 (a to d) and 12 (e to h); {@code quick} divides counts and the large size by 10, for
     * trying the harness.
     */
    static List<Workload> all(boolean quick, int latencyMs) {
        int div = quick ? 10 : 1;
        List<Workload> list = new ArrayList<>();
        list.add(new Workload("a", 2000 / div, 2 * KB, 0));
        list.add(new Workload("b", 200 / div, 100 * KB, 0));
        list.add(new Workload("c", 1, 200 * MB / div, 0));
        list.add(new Workload("d", 2000 / div, 2 * KB, latencyMs));
        list.add(new Workload("e", 2000 / div, 2 * KB, latencyMs, Link.NO_PIPELINING));
        list.add(new Workload("f", 2000 / div, 2 * KB, 0, Link.PIECES));
        list.add(new Workload("g", 2000 / div, 2 * KB, 0, Link.TLS));
        list.add(new Workload("h", 1_000_000 / div, 2 * KB, 0, Link.SYNTHETIC, 10_000 / div));
        return list;
    }

    /** Octets one run moves: those of the messages it takes. */
    long totalBytes() {
        return take * size;
    }

    /** Whether a run takes only the first messages (h), so that the maildrop is not empty after it. */
    boolean partial() {
        return take < count;
    }

    /** Which generated files this workload needs; d to g share a's. */
    String dataKey() {
        return count + "x" + size;
    }

    String describe() {
        String what = String.format(Locale.ROOT, "%,d message%s of %s", count, count == 1 ? "" : "s", human(size))
                      + (partial() ? String.format(Locale.ROOT, ", the first %,d of them", take) : "");
        return what + switch (link) {
            case PLAIN -> latencyMs > 0 ? ", through a proxy adding " + latencyMs + " ms each way" : "";
            case NO_PIPELINING -> ", through a proxy adding " + latencyMs + " ms each way and hiding PIPELINING";
            case PIECES -> ", replies written in pieces with Nagle on, PIPELINING hidden";
            case TLS -> ", implicit TLS";
            case SYNTHETIC -> ", from a synthetic server";
        };
    }

    static String human(long bytes) {
        if (bytes >= MB && bytes % MB == 0) {
            return bytes / MB + " MiB";
        }
        if (bytes >= KB && bytes % KB == 0) {
            return bytes / KB + " KiB";
        }
        return bytes + " B";
    }
}
