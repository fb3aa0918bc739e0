package io.github.pop3lite.cluster.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pop3lite.cluster.JdbcLedger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One node of the cluster tests, run as a JVM of its own: a pop3lite route per mailbox, behind
 * {@code master:} on ZooKeeper unless {@code node.master=false}, all sharing the PostgreSQL ledger.
 * Each routed message is appended to {@code node.log} as {@code subject TAB mailbox TAB node TAB millis},
 * one write per message, so the record survives a kill -9. SIGTERM stops the CamelContext gracefully.
 */
public final class ClusterNode {

    private ClusterNode() {
    }

    public static void main(String[] args) throws Exception {
        String id = System.getProperty("node.id");
        Path record = Path.of(System.getProperty("node.log"));
        boolean master = Boolean.parseBoolean(System.getProperty("node.master", "true"));
        long workMs = Long.getLong("node.workMs", 0);
        List<String> mailboxes = List.of(System.getProperty("node.mailboxes").split(","));

        CamelContext context = new DefaultCamelContext();
        context.getShutdownStrategy().setTimeout(60);
        ZooKeeperClusterService cluster = null;
        if (master) {
            cluster = new ZooKeeperClusterService();
            cluster.setId(id);
            cluster.setNodes(System.getProperty("zk.connect"));
            cluster.setBasePath("/pop3lite");
            cluster.setSessionTimeout(Long.getLong("zk.sessionTimeoutMs", 4000));
            cluster.setConnectTimeout(Math.min(5000, Long.getLong("zk.sessionTimeoutMs", 4000)));
            context.addService(cluster);
        }
        // a pool: a new PostgreSQL connection per ledger operation costs a SCRAM login each
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(System.getProperty("jdbc.url"));
        dataSource.setUsername(System.getProperty("jdbc.user"));
        dataSource.setPassword(System.getProperty("jdbc.password"));
        dataSource.setMaximumPoolSize(4);
        JdbcLedger ledger = new JdbcLedger(dataSource);
        ledger.setClaimExpiry(Duration.ofMillis(Long.getLong("ledger.claimExpiryMs", 8000)));
        context.getRegistry().bind("ledger", ledger);
        // started with the node, not at its first leadership: the table and the pool are ready before a takeover
        context.addService(ledger);

        String host = System.getProperty("pop3.host");
        String port = System.getProperty("pop3.port");
        String options = System.getProperty("pop3.options", "");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (String mailbox : mailboxes) {
                    String pop3 = "pop3lite:" + host + ":" + port + "?username=" + mailbox + "&password=RAW(" + mailbox + "pw)"
                                  + "&idempotentRepository=#ledger&initialDelay=0&delay=200" + options;
                    from(master ? "master:pop3lite-" + mailbox + ":" + pop3 : pop3)
                            .routeId("mailbox-" + mailbox)
                            .process(exchange -> {
                                if (workMs > 0) {
                                    // the route's own work: what makes a drain long enough to be cut in the middle
                                    Thread.sleep(workMs);
                                }
                                String line = exchange.getMessage().getHeader("Subject", String.class) + "\t" + mailbox
                                              + "\t" + id + "\t" + System.currentTimeMillis() + "\n";
                                Files.writeString(record, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                                        StandardOpenOption.APPEND);
                            });
                }
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                context.stop();
            } finally {
                stopped.countDown();
            }
        }, "node-stop"));
        context.start();
        if (cluster != null) {
            for (String mailbox : mailboxes) {
                CamelClusterView view = cluster.getView("pop3lite-" + mailbox);
                view.addEventListener((CamelClusterEventListener.Leadership) (v, leader) -> {
                    if (leader != null && leader.isLocal()) {
                        System.out.println("LEADERSHIP " + v.getNamespace() + " " + System.currentTimeMillis());
                        System.out.flush();
                    }
                });
            }
        }
        System.out.println("NODE " + id + " STARTED");
        System.out.flush();
        stopped.await();
    }
}
