package io.github.pop3lite.reliability;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pop3lite.component.Pop3LiteConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The last step of a test route: counts each successful delivery by the message's unique id, and
 * checks its body against what the server holds. Nothing after it can fail, so an Exchange that
 * reached it succeeded. The ledger outlives CamelContexts, so it counts across a restart.
 */
final class Ledger implements Processor {

    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final Map<String, byte[]> expected = new ConcurrentHashMap<>();
    private final List<String> corrupt = new CopyOnWriteArrayList<>();
    private final AtomicInteger total = new AtomicInteger();

    /** Remembers what the message with this unique id must contain when it is delivered. */
    void expect(Map<String, byte[]> contents) {
        expected.putAll(contents);
    }

    @Override
    public void process(Exchange exchange) {
        String uid = exchange.getIn().getHeader(Pop3LiteConstants.UID, String.class);
        byte[] want = expected.get(uid);
        if (want != null && !Arrays.equals(want, exchange.getIn().getBody(byte[].class))) {
            corrupt.add(uid);
        }
        deliveries.computeIfAbsent(uid, u -> new AtomicInteger()).incrementAndGet();
        total.incrementAndGet();
    }

    /** Successful deliveries, duplicates included. */
    int total() {
        return total.get();
    }

    /** Distinct messages delivered. */
    int distinct() {
        return deliveries.size();
    }

    int count(String uid) {
        AtomicInteger n = deliveries.get(uid);
        return n == null ? 0 : n.get();
    }

    /** Messages delivered more than once, with their count. */
    Map<String, Integer> duplicates() {
        Map<String, Integer> more = new TreeMap<>();
        deliveries.forEach((uid, n) -> {
            if (n.get() > 1) {
                more.put(uid, n.get());
            }
        });
        return more;
    }

    /** Of the given messages, those never delivered. */
    List<String> missing(Collection<String> uids) {
        return uids.stream().filter(uid -> !deliveries.containsKey(uid)).sorted().toList();
    }

    /** Deliveries whose body differed from the message on the server. */
    List<String> corrupt() {
        return List.copyOf(corrupt);
    }
}
