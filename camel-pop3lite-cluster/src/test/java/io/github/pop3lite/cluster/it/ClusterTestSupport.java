package io.github.pop3lite.cluster.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import static org.awaitility.Awaitility.await;

/** What the cluster ITs share: node JVMs against the servers, and the tally of what they routed. */
abstract class ClusterTestSupport {

    /** ZooKeeper session timeout of the nodes: the time a kill -9 of a leader leaves its mailboxes unpolled. */
    static final long SESSION_TIMEOUT_MS = 4000;
    /** Claims of a killed node are taken over this long after their last renewal. */
    static final long CLAIM_EXPIRY_MS = 8000;

    /** The servers of the test class, started by its {@code @BeforeAll}. */
    static ClusterServers servers;

    final List<NodeProcess> nodes = new ArrayList<>();

    ClusterServers servers() {
        return servers;
    }

    /** The folder of the class's servers and nodes, under target/cluster-it. */
    abstract String name();

    @AfterEach
    void stopAllNodes() throws Exception {
        stopNodes();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
            servers = null;
        }
    }

    Map<String, String> nodeProperties(boolean master, String mailboxes, long workMs) {
        ClusterServers s = servers();
        Map<String, String> p = new HashMap<>();
        p.put("node.master", Boolean.toString(master));
        p.put("node.mailboxes", mailboxes);
        p.put("node.workMs", Long.toString(workMs));
        p.put("zk.connect", s.zookeeper.get("connect"));
        p.put("zk.sessionTimeoutMs", Long.toString(SESSION_TIMEOUT_MS));
        p.put("jdbc.url", s.postgresql.get("jdbc.url"));
        p.put("jdbc.user", s.postgresql.get("user"));
        p.put("jdbc.password", s.postgresql.get("password"));
        p.put("ledger.claimExpiryMs", Long.toString(CLAIM_EXPIRY_MS));
        p.put("pop3.host", s.dovecot.get("host"));
        p.put("pop3.port", s.dovecot.get("pop3.port"));
        return p;
    }

    NodeProcess startNode(String id, Map<String, String> properties) throws Exception {
        NodeProcess node = NodeProcess.start(id, Path.of("target", "cluster-it", name(), "nodes").toAbsolutePath(), properties);
        nodes.add(node);
        await().atMost(Duration.ofSeconds(90)).until(() -> node.started() || !node.alive());
        if (!node.alive()) {
            throw new IllegalStateException("node " + id + " died at start; see " + node.output);
        }
        return node;
    }

    void stopNodes() throws InterruptedException {
        for (NodeProcess node : nodes) {
            node.close();
        }
        nodes.clear();
    }

    static List<String> subjects(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("%s-%04d", prefix, i)).toList();
    }

    /** What all nodes routed of the subjects given. */
    List<NodeProcess.Routed> routed(List<String> subjects) throws Exception {
        Set<String> wanted = new HashSet<>(subjects);
        List<NodeProcess.Routed> all = new ArrayList<>();
        for (NodeProcess node : nodes) {
            node.routed().stream().filter(r -> wanted.contains(r.subject())).forEach(all::add);
        }
        return all;
    }

    /** Waits until every subject was routed and the mailbox's maildrop is empty. */
    void awaitDrained(String mailbox, List<String> subjects) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> Tally.of(subjects, routed(subjects)).lost() == 0 && servers.filesInMaildrop(mailbox) == 0);
    }

    /** The subjects routed more than once, each with how often it was routed. */
    static Map<String, Long> repeated(List<NodeProcess.Routed> routed) {
        Map<String, Long> routings = routed.stream()
                .collect(Collectors.groupingBy(NodeProcess.Routed::subject, TreeMap::new, Collectors.counting()));
        routings.values().removeIf(n -> n == 1);
        return routings;
    }

    /** Lost and duplicated messages: how many subjects were never routed, and how many routings were extra. */
    record Tally(int delivered, int routings, int lost, int duplicates) {
        static Tally of(List<String> subjects, List<NodeProcess.Routed> routed) {
            Set<String> distinct = new HashSet<>();
            routed.forEach(r -> distinct.add(r.subject()));
            return new Tally(distinct.size(), routed.size(), subjects.size() - distinct.size(), routed.size() - distinct.size());
        }
    }
}
