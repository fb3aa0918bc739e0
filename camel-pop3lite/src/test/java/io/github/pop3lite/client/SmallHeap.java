package io.github.pop3lite.client;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The guard of the tests that prove a bound on memory: they mean something only in the small-heap surefire
 * execution (-Xmx64m), and are left out of the default one by name; run by hand in a large heap, they say so.
 */
public final class SmallHeap {

    private static final long MAX_HEAP = 80L * 1024 * 1024;

    private SmallHeap() {
    }

    /**
     * Aborts the calling test unless this JVM's heap is small.
     *
     * @param  proves what the test proves, for the reason given when it is aborted
     * @return        the heap's maximum size
     */
    public static long assumeSmallHeap(String proves) {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assumeTrue(maxHeap <= MAX_HEAP, "SKIPPED: this test proves " + proves + " only with a small heap (the small-heap"
                                        + " surefire execution gives it -Xmx64m); this JVM has " + (maxHeap >> 20) + " MB");
        return maxHeap;
    }

    /** Heap in use after full collections, in octets: what is still reachable, not what awaits collection. */
    public static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
