package io.github.pop3lite.cluster.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two node JVMs without {@code master:} polling one Dovecot mailbox at the same time (concurrent
 * sessions allowed, Dovecot's default), sharing the PostgreSQL ledger: the atomic claim before
 * routing lets exactly one of them route each message, also when nodes are killed mid-poll and
 * restarted.
 */
class NoMasterIT extends ClusterTestSupport {

    private static final String MAILBOX = "alice";
    private static final int MESSAGES = 1000;
    private static final long WORK_MS = 5;
    /** Route work per message of the kill test: long enough that each of its kills falls in the middle of a drain. */
    private static final long RESTART_WORK_MS = 15;
    private static final int KILLS = 3;

    @BeforeAll
    static void startServers() throws Exception {
        servers = ClusterServers.start("nomaster", List.of(MAILBOX), false);
    }

    @Override
    String name() {
        return "nomaster";
    }

    @Test
    void twoPollersRouteEachMessageOnce() throws Exception {
        List<String> subjects = subjects("both", MESSAGES);
        servers.deliver(MAILBOX, subjects);
        startNode("b1", nodeProperties(false, MAILBOX, WORK_MS));
        startNode("b2", nodeProperties(false, MAILBOX, WORK_MS));
        awaitDrained(MAILBOX, subjects);

        Tally tally = Tally.of(subjects, routed(subjects));
        long byB1 = routed(subjects).stream().filter(r -> r.node().equals("b1")).count();
        System.out.printf("NO MASTER two pollers: b1 routed %d, b2 %d, lost %d, duplicates %d, maildrop %d%n", byB1,
                tally.routings() - byB1, tally.lost(), tally.duplicates(), servers.filesInMaildrop(MAILBOX));
        assertEquals(0, tally.lost(), "messages lost");
        assertEquals(0, tally.duplicates(), "messages routed twice");
        assertTrue(byB1 > 0 && byB1 < MESSAGES, "both nodes polled at once and shared the work (b1 routed " + byB1 + ")");
    }

    @Test
    void pollersKilledMidPollAndRestartedRouteEachMessageOnce() throws Exception {
        List<String> subjects = subjects("restart", MESSAGES);
        servers.deliver(MAILBOX, subjects);
        startNode("r1", nodeProperties(false, MAILBOX, RESTART_WORK_MS));
        startNode("r2", nodeProperties(false, MAILBOX, RESTART_WORK_MS));
        // what each killed node routed last: the only messages that may be routed twice
        Set<String> inFlight = new HashSet<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            int after = kill * MESSAGES / (KILLS + 1);
            NodeProcess victim = awaitPolling(subjects, after);
            victim.kill();
            List<NodeProcess.Routed> byVictim = victim.routed();
            if (!byVictim.isEmpty()) {
                inFlight.add(byVictim.get(byVictim.size() - 1).subject());
            }
            System.out.printf("NO MASTER kill %d of %d: %s killed after %d messages routed%n", kill, KILLS, victim.id,
                    routed(subjects).size());
            startNode("r" + (kill + 2), nodeProperties(false, MAILBOX, RESTART_WORK_MS));
        }
        // the killed nodes' claims are taken over claimExpiry after their last renewal
        awaitDrained(MAILBOX, subjects);

        List<NodeProcess.Routed> routed = routed(subjects);
        Tally tally = Tally.of(subjects, routed);
        Map<String, Long> twice = repeated(routed);
        System.out.printf("NO MASTER %d kills (kill -9) mid-poll, each node restarted: lost %d, duplicates %d %s, maildrop %d%n",
                KILLS, tally.lost(), tally.duplicates(), twice, servers.filesInMaildrop(MAILBOX));
        assertEquals(0, tally.lost(), "messages lost");
        assertEquals(0, servers.filesInMaildrop(MAILBOX), "messages left on the server");
        // a killed node's message in flight may have been routed before its confirmation was written; nothing else
        assertTrue(inFlight.containsAll(twice.keySet()), "routed twice " + twice + ", but in flight at a kill were only " + inFlight);
        assertTrue(twice.values().stream().allMatch(n -> n == 2), "no message routed more than twice: " + twice);
    }

    /**
     * Waits until at least {@code after} messages were routed and a node is in the middle of a poll (it routed a
     * message within the last 300 ms); returns that node.
     */
    private NodeProcess awaitPolling(List<String> subjects, int after) {
        NodeProcess[] polling = new NodeProcess[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (routed(subjects).size() < after) {
                return false;
            }
            long recently = System.currentTimeMillis() - 300;
            for (NodeProcess node : nodes) {
                if (node.alive() && node.routed().stream().anyMatch(r -> r.at() >= recently)) {
                    polling[0] = node;
                    return true;
                }
            }
            return false;
        });
        return polling[0];
    }
}
