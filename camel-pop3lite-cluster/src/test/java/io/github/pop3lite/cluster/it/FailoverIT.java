package io.github.pop3lite.cluster.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two node JVMs behind {@code master:} on a real ZooKeeper, one Dovecot mailbox of 1,000 messages,
 * the ledger on a real PostgreSQL: the leader is killed (kill -9) or stopped (SIGTERM) in the
 * middle of the drain, and the other node finishes it. Each test repeats that over fresh batches of
 * messages: the survivor of a run leads the next one, and a new node joins as its follower.
 */
class FailoverIT extends ClusterTestSupport {

    private static final String MAILBOX = "bob";
    private static final String NAMESPACE = "pop3lite-" + MAILBOX;
    private static final int MESSAGES = 1000;
    /** Route work per message: 1,000 messages then take several seconds, so the drain can be cut in the middle. */
    private static final long WORK_MS = 5;
    private static final int KILL_RUNS = 3;
    private static final int STOP_RUNS = 5;

    @BeforeAll
    static void startServers() throws Exception {
        servers = ClusterServers.start("failover", List.of(MAILBOX), true);
    }

    @Override
    String name() {
        return "failover";
    }

    @Test
    void killsOfTheLeaderMidDrainLoseNothing() throws Exception {
        startNode("k1", nodeProperties(true, MAILBOX, WORK_MS));
        List<Long> leaderships = new ArrayList<>();
        List<Long> firstRoutings = new ArrayList<>();
        for (int run = 1; run <= KILL_RUNS; run++) {
            // the follower of this run; the leader is the survivor of the previous run
            startNode("k" + (run + 1), nodeProperties(true, MAILBOX, WORK_MS));
            List<String> subjects = subjects("kill" + run, MESSAGES);
            servers.deliver(MAILBOX, subjects);
            await().atMost(Duration.ofSeconds(120)).until(() -> routed(subjects).size() >= MESSAGES / 3);
            NodeProcess leader = leader(subjects);
            long killedAt = System.currentTimeMillis();
            leader.kill();
            List<NodeProcess.Routed> byLeader = leader.routed();
            String inFlight = byLeader.isEmpty() ? null : byLeader.get(byLeader.size() - 1).subject();
            awaitDrained(MAILBOX, subjects);

            List<NodeProcess.Routed> routed = routed(subjects);
            Tally tally = Tally.of(subjects, routed);
            NodeProcess survivor = nodes.stream().filter(n -> n != leader && n.alive()).findFirst().orElseThrow();
            long leadership = survivor.leaderships(NAMESPACE).stream().filter(at -> at >= killedAt).findFirst()
                    .orElseThrow() - killedAt;
            long firstRouted = routed.stream().filter(r -> r.node().equals(survivor.id) && r.at() >= killedAt)
                    .mapToLong(NodeProcess.Routed::at).min().orElseThrow() - killedAt;
            leaderships.add(leadership);
            firstRoutings.add(firstRouted);
            Map<String, Long> twice = repeated(routed);
            System.out.printf("FAILOVER kill -9 %d of %d, of the leader after %d of %d messages: leadership moved after %d ms"
                              + " (session timeout %d ms), first message routed by the new leader after %d ms, lost %d,"
                              + " duplicates %d %s, maildrop %d%n", run, KILL_RUNS, byLeader.stream()
                                      .filter(r -> subjects.contains(r.subject())).count(), MESSAGES, leadership,
                    SESSION_TIMEOUT_MS, firstRouted, tally.lost(), tally.duplicates(), twice, servers.filesInMaildrop(MAILBOX));
            assertEquals(0, tally.lost(), "messages lost");
            assertTrue(twice.isEmpty() || inFlight != null && twice.equals(Map.of(inFlight, 2L)),
                    "only the message in flight at the kill (" + inFlight + ") may be routed twice, were " + twice);
            // ZooKeeper expires the dead node's session SESSION_TIMEOUT_MS after its last heartbeat; slack for a loaded machine
            assertTrue(leadership <= SESSION_TIMEOUT_MS + 2000, "leadership moved after " + leadership + " ms");
            // then camel-master starts the consumer (about 1 s), whose first poll looks each listed message up in the
            // ledger (seen here: 2.8 s for 700 messages) before it routes one
            assertTrue(firstRouted <= SESSION_TIMEOUT_MS + 10_000, "first message after " + firstRouted + " ms");
        }
        System.out.printf("FAILOVER kill -9, %d runs: leadership moved after %s ms, first message routed after %s ms"
                          + " (min/median/max)%n", KILL_RUNS, spread(leaderships), spread(firstRoutings));
    }

    @Test
    void gracefulStopsOfTheLeaderDuplicateNothing() throws Exception {
        startNode("s1", nodeProperties(true, MAILBOX, WORK_MS));
        List<Long> takeovers = new ArrayList<>();
        for (int run = 1; run <= STOP_RUNS; run++) {
            startNode("s" + (run + 1), nodeProperties(true, MAILBOX, WORK_MS));
            List<String> subjects = subjects("stop" + run, MESSAGES);
            servers.deliver(MAILBOX, subjects);
            await().atMost(Duration.ofSeconds(120)).until(() -> routed(subjects).size() >= MESSAGES / 3);
            NodeProcess leader = leader(subjects);
            long stoppedAt = System.currentTimeMillis();
            int exit = leader.stopGracefully();
            long stopTook = System.currentTimeMillis() - stoppedAt;
            awaitDrained(MAILBOX, subjects);

            List<NodeProcess.Routed> routed = routed(subjects);
            Tally tally = Tally.of(subjects, routed);
            long takeover = routed.stream().filter(r -> !r.node().equals(leader.id) && r.at() >= stoppedAt)
                    .mapToLong(NodeProcess.Routed::at).min().orElseThrow() - stoppedAt;
            takeovers.add(takeover);
            System.out.printf("FAILOVER graceful stop %d of %d, of the leader (exit %d in %d ms): takeover %d ms, lost %d,"
                              + " duplicates %d, maildrop %d%n", run, STOP_RUNS, exit, stopTook, takeover, tally.lost(),
                    tally.duplicates(), servers.filesInMaildrop(MAILBOX));
            assertEquals(0, tally.lost(), "messages lost");
            assertEquals(0, tally.duplicates(), "messages routed twice");
        }
        System.out.printf("FAILOVER graceful stop, %d runs: takeover %s ms (min/median/max)%n", STOP_RUNS, spread(takeovers));
    }

    private static String spread(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(0) + "/" + sorted.get(sorted.size() / 2) + "/" + sorted.get(sorted.size() - 1);
    }

    /** The node that routed the latest message: the only one routing while both run behind master:. */
    private NodeProcess leader(List<String> subjects) throws Exception {
        String id = routed(subjects).stream().max(Comparator.comparingLong(NodeProcess.Routed::at)).orElseThrow().node();
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }
}
