package io.github.pop3lite.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What is in the maildrop at the start of a run, and whether the client reaches the server through the
 * {@link LatencyProxy}.
 *
 * @param key       a, b, c or d
 * @param count     number of messages
 * @param size      octets of each message, exactly as the server sends them (CRLF line ends)
 * @param latencyMs delay added in each direction by the proxy, 0 for a direct connection
 */
record Workload(String key, int count, long size, int latencyMs) {

    static final long KB = 1024;
    static final long MB = 1024 * 1024;

    /** The four workloads of issue 5; {@code quick} divides counts and the large size by 10, for trying the harness. */
    static List<Workload> all(boolean quick, int latencyMs) {
        int div = quick ? 10 : 1;
        List<Workload> list = new ArrayList<>();
        list.add(new Workload("a", 2000 / div, 2 * KB, 0));
        list.add(new Workload("b", 200 / div, 100 * KB, 0));
        list.add(new Workload("c", 1, 200 * MB / div, 0));
        list.add(new Workload("d", 2000 / div, 2 * KB, latencyMs));
        return list;
    }

    long totalBytes() {
        return count * size;
    }

    /** Which generated files this workload needs; d shares a's. */
    String dataKey() {
        return count + "x" + size;
    }

    String describe() {
        String what = String.format(Locale.ROOT, "%,d message%s of %s", count, count == 1 ? "" : "s", human(size));
        return latencyMs > 0 ? what + ", through a proxy adding " + latencyMs + " ms each way" : what;
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
