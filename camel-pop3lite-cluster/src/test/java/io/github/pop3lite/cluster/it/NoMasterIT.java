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
 * Two node JVMs without {@code master:} polling one Dovecot mailbox at the same time (concurrent
 * sessions allowed, Dovecot's default), sharing the PostgreSQL ledger: the atomic claim before
 * routing lets exactly one of them route each message.
 */
class NoMasterIT extends ClusterTestSupport {

    private static final String MAILBOX = "alice";
    private static final int MESSAGES = 1000;
    private static final long WORK_MS = 5;

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
        awaitDrained(subjects);

        Tally tally = Tally.of(subjects, routed(subjects));
        long byB1 = routed(subjects).stream().filter(r -> r.node().equals("b1")).count();
        System.out.printf("NO MASTER two pollers: b1 routed %d, b2 %d, lost %d, duplicates %d, maildrop %d%n", byB1,
                tally.routings() - byB1, tally.lost(), tally.duplicates(), servers.filesInMaildrop(MAILBOX));
        assertEquals(0, tally.lost(), "messages lost");
        assertEquals(0, tally.duplicates(), "messages routed twice");
        assertTrue(byB1 > 0 && byB1 < MESSAGES, "both nodes polled at once and shared the work (b1 routed " + byB1 + ")");
    }

    @Test
    void aPollerKilledMidPollAndRestartedLosesNothing() throws Exception {
        List<String> subjects = subjects("restart", MESSAGES);
        servers.deliver(MAILBOX, subjects);
        startNode("r1", nodeProperties(false, MAILBOX, WORK_MS));
        startNode("r2", nodeProperties(false, MAILBOX, WORK_MS));
        await().atMost(Duration.ofSeconds(120)).until(() -> routed(subjects).size() >= 300);
        String victimId = routed(subjects).stream().max(Comparator.comparingLong(NodeProcess.Routed::at)).orElseThrow().node();
        NodeProcess victim = nodes.stream().filter(n -> n.id.equals(victimId)).findFirst().orElseThrow();
        victim.kill();
        startNode(victimId + "-restarted", nodeProperties(false, MAILBOX, WORK_MS));
        // Known gap of the consumer's ledger rules (docs/cluster.md): a kill between the confirmation and the
        // "routed" key leaves the message in flight on the server, skipped by every node. It is not lost (routed
        // once), so the test requires every message routed and at most that one message left.
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> Tally.of(subjects, routed(subjects)).lost() == 0 && servers.filesInMaildrop(MAILBOX) <= 1);

        Tally tally = Tally.of(subjects, routed(subjects));
        System.out.printf("NO MASTER kill -9 of %s mid-poll and restart: lost %d, duplicates %d, maildrop %d%n", victimId,
                tally.lost(), tally.duplicates(), servers.filesInMaildrop(MAILBOX));
        assertTrue(servers.filesInMaildrop(MAILBOX) <= 1, "at most the message in flight at the kill stays on the server");
        assertEquals(0, tally.lost(), "messages lost");
        // the killed node's message in flight may have been routed before its confirmation was written
        assertTrue(tally.duplicates() <= 1, "at most the message in flight is routed twice, was " + tally.duplicates());
    }

    private void awaitDrained(List<String> subjects) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> Tally.of(subjects, routed(subjects)).lost() == 0 && servers.filesInMaildrop(MAILBOX) == 0);
    }
}
