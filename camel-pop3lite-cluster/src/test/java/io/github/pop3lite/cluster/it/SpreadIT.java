package io.github.pop3lite.cluster.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
/**
 * 30 mailboxes, one route each from a route template behind {@code master:} (a namespace per
 * mailbox), on 3 node JVMs with the {@code LeadershipBalancer}: every mailbox has exactly one
 * leader, and no node leads more than ceil(M/N)+1, after the start, after a node stops, and after
 * it returns.
 */
class SpreadIT extends ClusterTestSupport {

    private static final List<String> MAILBOXES = IntStream.range(0, 30).mapToObj(i -> String.format("user%02d", i)).toList();

    @BeforeAll
    static void startServers() throws Exception {
        servers = ClusterServers.start("spread", MAILBOXES, true);
    }

    @Override
    String name() {
        return "spread";
    }

    private Map<String, String> properties() {
        Map<String, String> p = nodeProperties(true, String.join(",", MAILBOXES), 0);
        p.put("node.balance", "true");
        p.put("node.balanceMs", "2000");
        // empty mailboxes: a poll every 5 s each is enough to show who polls
        p.put("pop3.delay", "5000");
        return p;
    }

    @Test
    void leadershipIsSpreadAndRebalanced() throws Exception {
        NodeProcess n1 = startNode("n1", properties());
        NodeProcess n2 = startNode("n2", properties());
        NodeProcess n3 = startNode("n3", properties());
        Map<String, Integer> afterStart = awaitSpread(List.of(n1, n2, n3));

        n3.stopGracefully();
        nodes.remove(n3);
        Map<String, Integer> afterStop = awaitSpread(List.of(n1, n2));

        NodeProcess back = startNode("n3", properties());
        Map<String, Integer> afterReturn = awaitSpread(List.of(n1, n2, back));

        System.out.printf("SPREAD %d mailboxes: after start %s, after n3 stopped %s, after n3 returned %s%n",
                MAILBOXES.size(), afterStart, afterStop, afterReturn);
    }

    /** Waits until each mailbox has one leader among the nodes and none leads more than ceil(M/N)+1. */
    private Map<String, Integer> awaitSpread(List<NodeProcess> up) {
        int bound = (MAILBOXES.size() + up.size() - 1) / up.size() + 1;
        Map<String, Integer> counts = new LinkedHashMap<>();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
            counts.clear();
            List<String> all = new ArrayList<>();
            for (NodeProcess node : up) {
                List<String> leads = node.leads();
                counts.put(node.id, leads.size());
                all.addAll(leads);
            }
            Set<String> distinct = new HashSet<>(all);
            return all.size() == MAILBOXES.size() && distinct.size() == MAILBOXES.size()
                   && counts.values().stream().allMatch(c -> c <= bound);
        });
        return Map.copyOf(counts);
    }
}
