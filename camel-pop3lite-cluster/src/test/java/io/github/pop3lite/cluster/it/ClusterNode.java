package io.github.pop3lite.cluster.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pop3lite.cluster.JdbcLedger;
import io.github.pop3lite.cluster.LeadershipBalancer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One node of the cluster tests, run as a JVM of its own: one route per mailbox from a route
 * template, behind {@code master:} on ZooKeeper unless {@code node.master=false}, all sharing the
 * PostgreSQL ledger. Each routed message is appended to {@code node.log} as
 * {@code subject TAB mailbox TAB node TAB millis}, one write per message, so the record survives a
 * kill -9. With {@code node.balance=true} a {@link LeadershipBalancer} spreads the mailboxes, and the
 * node writes the namespaces it leads to {@code node.leads} every 500 ms. SIGTERM stops the
 * CamelContext gracefully.
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
        if (Boolean.getBoolean("node.balance")) {
            LeadershipBalancer balancer = new LeadershipBalancer();
            balancer.setInterval(Duration.ofMillis(Long.getLong("node.balanceMs", 2000)));
            context.addService(balancer);
        }

        String host = System.getProperty("pop3.host");
        String port = System.getProperty("pop3.port");
        long delay = Long.getLong("pop3.delay", 200);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                String pop3 = "pop3lite:" + host + ":" + port + "?username={{user}}&password=RAW({{user}}pw)"
                              + "&idempotentRepository=#ledger&initialDelay=0&delay=" + delay;
                routeTemplate("mailbox").templateParameter("user")
                        .from(master ? "master:pop3lite-{{user}}:" + pop3 : pop3)
                        .process(exchange -> {
                            if (workMs > 0) {
                                // the route's own work: what makes a drain long enough to be cut in the middle
                                Thread.sleep(workMs);
                            }
                            String line = exchange.getMessage().getHeader("Subject", String.class) + "\t"
                                          + exchange.getFromRouteId().substring("mailbox-".length()) + "\t" + id + "\t"
                                          + System.currentTimeMillis() + "\n";
                            Files.writeString(record, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                                    StandardOpenOption.APPEND);
                        });
            }
        });
        for (String mailbox : mailboxes) {
            TemplatedRouteBuilder.builder(context, "mailbox").routeId("mailbox-" + mailbox).parameter("user", mailbox).add();
        }
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
            ZooKeeperClusterService service = cluster;
            for (String mailbox : mailboxes) {
                CamelClusterView view = service.getView("pop3lite-" + mailbox);
                view.addEventListener((CamelClusterEventListener.Leadership) (v, leader) -> {
                    if (leader != null && leader.isLocal()) {
                        System.out.println("LEADERSHIP " + v.getNamespace() + " " + System.currentTimeMillis());
                        System.out.flush();
                    }
                });
            }
            if (System.getProperty("node.leads") != null) {
                writeLeads(service, mailboxes, Path.of(System.getProperty("node.leads")));
            }
        }
        System.out.println("NODE " + id + " STARTED");
        System.out.flush();
        stopped.await();
    }

    private static void writeLeads(ZooKeeperClusterService service, List<String> mailboxes, Path file) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-leads");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                StringBuilder led = new StringBuilder();
                for (String mailbox : mailboxes) {
                    if (service.isLeader("pop3lite-" + mailbox)) {
                        led.append(mailbox).append('\n');
                    }
                }
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, led, StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (Exception e) {
                System.out.println("LEADS " + e);
            }
        }, 0, 500, TimeUnit.MILLISECONDS);
    }
}
