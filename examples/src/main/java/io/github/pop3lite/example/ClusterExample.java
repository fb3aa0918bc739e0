package io.github.pop3lite.example;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.zaxxer.hikari.HikariDataSource;
import io.github.pop3lite.cluster.JdbcLedger;
import io.github.pop3lite.cluster.LeadershipBalancer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster mode of the example: two nodes (two CamelContexts in this JVM, as two JVMs would be) poll three
 * mailboxes, each mailbox behind {@code master:} on ZooKeeper, all sharing one {@link JdbcLedger}. With no
 * configuration it starts ZooKeeper's own embedded server, an in-memory H2 database and a GreenMail POP3 server;
 * {@code -Dzk.connect=host:port}, {@code -Djdbc.url=jdbc:postgresql://...} (with {@code jdbc.user},
 * {@code jdbc.password}) and {@code -Dpop3.host}/{@code pop3.port} point it at real ones. It prints which node led
 * which mailbox and routed which mail, stops the node that leads alice's mailbox, shows the other node take the
 * next mail over, and exits.
 */
public final class ClusterExample {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterExample.class);
    static final List<String> MAILBOXES = List.of("alice", "bob", "carol");

    /** What the nodes routed: subject to "node mailbox". */
    public static final class Arrivals {
        final Map<String, String> routed = new ConcurrentHashMap<>();

        public void add(Exchange exchange) {
            String subject = exchange.getMessage().getHeader("Subject", String.class);
            String where = exchange.getMessage().getHeader("node") + " " + exchange.getMessage().getHeader("mailbox");
            routed.merge(subject, where, (a, b) -> a + ", " + b);
            LOG.info("{} routed '{}'", where, subject);
        }
    }

    private ClusterExample() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("pop3lite-cluster-example");
        List<AutoCloseable> closing = new ArrayList<>();
        int status = 1;
        try {
            String zk = System.getProperty("zk.connect");
            if (zk == null) {
                zk = embeddedZooKeeper(work, closing);
                LOG.info("No zk.connect set: started ZooKeeper's embedded server on {}", zk);
            }
            HikariDataSource dataSource = dataSource(closing);
            GreenMail mail = null;
            String host = System.getProperty("pop3.host");
            String port = System.getProperty("pop3.port");
            if (host == null) {
                mail = new GreenMail(new ServerSetup(0, EmbeddedMailServer.HOST, ServerSetup.PROTOCOL_POP3));
                mail.start();
                closing.add(0, mail::stop);
                for (String mailbox : MAILBOXES) {
                    mail.setUser(mailbox + "@example.com", mailbox, EmbeddedMailServer.PASSWORD);
                    for (int i = 1; i <= 2; i++) {
                        deliver(mail, mailbox, "Mail " + i + " for " + mailbox);
                    }
                }
                host = EmbeddedMailServer.HOST;
                port = Integer.toString(mail.getPop3().getPort());
                LOG.info("No pop3.host set: started GreenMail on {}:{} with mailboxes {}, two mails each", host, port, MAILBOXES);
            }
            Arrivals arrivals = new Arrivals();
            ScheduledExecutorService pollers = Executors.newScheduledThreadPool(2);
            closing.add(0, pollers::shutdownNow);
            List<CamelContext> nodes = new ArrayList<>();
            for (String id : List.of("node-1", "node-2")) {
                CamelContext node = node(id, zk, dataSource, host, port, arrivals, pollers);
                closing.add(0, node);
                nodes.add(node);
            }
            int expected = mail != null ? 2 * MAILBOXES.size() : Integer.getInteger("example.expected", 0);
            awaitUntil(Duration.ofSeconds(60), () -> arrivals.routed.size() >= expected);
            printSummary("both nodes up", nodes, arrivals);

            CamelContext aliceLeader = nodes.stream().filter(n -> isLeader(n, "pop3lite-alice")).findFirst().orElseThrow();
            LOG.info("Stopping {}, the leader of alice's mailbox", aliceLeader.getName());
            aliceLeader.stop();
            nodes.remove(aliceLeader);
            if (mail != null) {
                deliver(mail, "alice", "After the failover");
                awaitUntil(Duration.ofSeconds(60), () -> arrivals.routed.containsKey("After the failover"));
                printSummary("after " + aliceLeader.getName() + " stopped", nodes, arrivals);
            }
            status = 0;
        } finally {
            for (AutoCloseable c : closing) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing {}", c, e);
                }
            }
        }
        System.exit(status);
    }

    private static void deliver(GreenMail mail, String mailbox, String subject) {
        String text = "From: sender@example.org\r\nTo: " + mailbox + "@example.com\r\nSubject: " + subject
                      + "\r\n\r\nHello " + mailbox + ".\r\n";
        mail.getUserManager().getUser(mailbox).deliver(GreenMailUtil.newMimeMessage(text));
    }

    private static CamelContext node(String id, String zk, HikariDataSource dataSource, String host, String port,
                                     Arrivals arrivals, ScheduledExecutorService pollers) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(id);
        Properties props = new Properties();
        props.setProperty("node.id", id);
        props.setProperty("pop3.host", host);
        props.setProperty("pop3.port", port);
        context.getPropertiesComponent().setInitialProperties(props);

        ZooKeeperClusterService cluster = new ZooKeeperClusterService();
        cluster.setId(id);
        cluster.setNodes(zk);
        cluster.setBasePath("/pop3lite-example");
        cluster.setSessionTimeout(Long.getLong("zk.sessionTimeoutMs", 10_000));
        context.addService(cluster);

        JdbcLedger ledger = new JdbcLedger(dataSource);
        context.getRegistry().bind("ledger", ledger);
        context.addService(ledger);
        LeadershipBalancer balancer = new LeadershipBalancer();
        balancer.setInterval(Duration.ofSeconds(2));
        context.addService(balancer);
        context.getRegistry().bind("pollers", pollers);
        context.getRegistry().bind("arrivals", arrivals);

        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "classpath:cluster/routes.yaml"));
        for (String mailbox : MAILBOXES) {
            TemplatedRouteBuilder.builder(context, "mailbox").routeId(id + "-" + mailbox).parameter("user", mailbox)
                    .parameter("password", System.getProperty("password." + mailbox, EmbeddedMailServer.PASSWORD)).add();
        }
        context.start();
        return context;
    }

    private static boolean isLeader(CamelContext node, String namespace) {
        return node.hasService(ZooKeeperClusterService.class).isLeader(namespace);
    }

    private static void printSummary(String when, List<CamelContext> nodes, Arrivals arrivals) {
        StringBuilder out = new StringBuilder("\npop3lite cluster example, " + when + ":\n");
        for (CamelContext node : nodes) {
            List<String> led = MAILBOXES.stream().filter(m -> isLeader(node, "pop3lite-" + m)).toList();
            out.append("  ").append(node.getName()).append(" leads ").append(led).append('\n');
        }
        new TreeMap<>(arrivals.routed).forEach((subject, where) -> out.append("    '").append(subject).append("' <- ")
                .append(where).append('\n'));
        System.out.println(out);
    }

    private static String embeddedZooKeeper(Path work, List<AutoCloseable> closing) throws Exception {
        Properties config = new Properties();
        config.setProperty("clientPortAddress", "127.0.0.1");
        config.setProperty("clientPort", Integer.toString(freePort()));
        config.setProperty("tickTime", "500");
        config.setProperty("admin.enableServer", "false");
        Files.createDirectories(work.resolve("zookeeper"));
        ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(work.resolve("zookeeper"))
                .configuration(config).exitHandler(ExitHandler.LOG_ONLY).build();
        server.start(TimeUnit.SECONDS.toMillis(30));
        closing.add(server);
        return server.getConnectionString();
    }

    private static HikariDataSource dataSource(List<AutoCloseable> closing) {
        HikariDataSource dataSource = new HikariDataSource();
        String url = System.getProperty("jdbc.url");
        if (url == null) {
            url = "jdbc:h2:mem:pop3lite-example;DB_CLOSE_DELAY=-1";
            LOG.info("No jdbc.url set: the ledger is an in-memory H2 database");
        }
        dataSource.setJdbcUrl(url);
        dataSource.setUsername(System.getProperty("jdbc.user", "sa"));
        dataSource.setPassword(System.getProperty("jdbc.password", ""));
        dataSource.setMaximumPoolSize(4);
        closing.add(dataSource);
        return dataSource;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitUntil(Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the example did not finish within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
