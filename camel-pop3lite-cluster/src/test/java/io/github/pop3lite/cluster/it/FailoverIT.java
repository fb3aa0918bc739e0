package io.github.pop3lite.cluster.it;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two node JVMs behind {@code master:} on a real ZooKeeper, one Dovecot mailbox of 1,000 messages,
 * the ledger on a real PostgreSQL: the leader is killed (kill -9) or stopped (SIGTERM) in the
 * middle of the drain, and the other node finishes it.
 */
class FailoverIT extends ClusterTestSupport {

    private static final String MAILBOX = "bob";
    private static final String NAMESPACE = "pop3lite-" + MAILBOX;
    private static final int MESSAGES = 1000;
    /** Route work per message: 1,000 messages then take several seconds, so the drain can be cut in the middle. */
    private static final long WORK_MS = 5;

    @BeforeAll
    static void startServers() throws Exception {
        servers = ClusterServers.start("failover", List.of(MAILBOX), true);
    }

    @Override
    String name() {
        return "failover";
    }

    @Test
    void killOfTheLeaderMidDrainLosesNothing() throws Exception {
        List<String> subjects = subjects("kill", MESSAGES);
        servers.deliver(MAILBOX, subjects);
        startNode("k1", nodeProperties(true, MAILBOX, WORK_MS));
        startNode("k2", nodeProperties(true, MAILBOX, WORK_MS));
        await().atMost(Duration.ofSeconds(120)).until(() -> routed(subjects).size() >= 300);
        NodeProcess leader = leader(subjects);
        long killedAt = System.currentTimeMillis();
        leader.kill();
        int routedByLeader = leader.routed().size();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> Tally.of(subjects, routed(subjects)).lost() == 0 && servers.filesInMaildrop(MAILBOX) == 0);

        List<NodeProcess.Routed> routed = routed(subjects);
        Tally tally = Tally.of(subjects, routed);
        NodeProcess survivor = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        long leadership = survivor.leaderships(NAMESPACE).stream().filter(at -> at >= killedAt).findFirst()
                .orElseThrow() - killedAt;
        long firstRouted = routed.stream().filter(r -> r.node().equals(survivor.id) && r.at() >= killedAt)
                .mapToLong(NodeProcess.Routed::at).min().orElseThrow() - killedAt;
        System.out.printf("FAILOVER kill -9 of the leader after %d of %d messages: leadership moved after %d ms (session"
                          + " timeout %d ms), first message routed by the new leader after %d ms, lost %d, duplicates %d,"
                          + " maildrop %d%n", routedByLeader, MESSAGES, leadership, SESSION_TIMEOUT_MS, firstRouted,
                tally.lost(), tally.duplicates(), servers.filesInMaildrop(MAILBOX));
        assertEquals(0, tally.lost(), "messages lost");
        assertTrue(tally.duplicates() <= 1, "at most the message in flight is routed twice, was " + tally.duplicates());
        // ZooKeeper expires the dead node's session SESSION_TIMEOUT_MS after its last heartbeat; slack for a loaded machine
        assertTrue(leadership <= SESSION_TIMEOUT_MS + 2000, "leadership moved after " + leadership + " ms");
        assertTrue(firstRouted <= SESSION_TIMEOUT_MS + 6000, "first message after " + firstRouted + " ms");
    }

    @Test
    void gracefulStopOfTheLeaderDuplicatesNothing() throws Exception {
        List<String> subjects = subjects("stop", MESSAGES);
        servers.deliver(MAILBOX, subjects);
        startNode("s1", nodeProperties(true, MAILBOX, WORK_MS));
        startNode("s2", nodeProperties(true, MAILBOX, WORK_MS));
        await().atMost(Duration.ofSeconds(120)).until(() -> routed(subjects).size() >= 300);
        NodeProcess leader = leader(subjects);
        long stoppedAt = System.currentTimeMillis();
        int exit = leader.stopGracefully();
        long stopTook = System.currentTimeMillis() - stoppedAt;
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> Tally.of(subjects, routed(subjects)).lost() == 0 && servers.filesInMaildrop(MAILBOX) == 0);

        List<NodeProcess.Routed> routed = routed(subjects);
        Tally tally = Tally.of(subjects, routed);
        long takeover = routed.stream().filter(r -> !r.node().equals(leader.id) && r.at() >= stoppedAt)
                .mapToLong(NodeProcess.Routed::at).min().orElseThrow() - stoppedAt;
        System.out.printf("FAILOVER graceful stop of the leader (exit %d in %d ms): takeover %d ms, lost %d,"
                          + " duplicates %d, maildrop %d%n", exit, stopTook, takeover, tally.lost(), tally.duplicates(),
                servers.filesInMaildrop(MAILBOX));
        assertEquals(0, tally.lost(), "messages lost");
        assertEquals(0, tally.duplicates(), "messages routed twice");
    }

    /** The node that routed the latest message: the only one routing while both run behind master:. */
    private NodeProcess leader(List<String> subjects) throws Exception {
        String id = routed(subjects).stream().max(Comparator.comparingLong(NodeProcess.Routed::at)).orElseThrow().node();
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }
}
