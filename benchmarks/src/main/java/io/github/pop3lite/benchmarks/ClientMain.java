package io.github.pop3lite.benchmarks;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/**
 * One client in a JVM of its own (started by the harness with the -Xmx under test), driven over stdin/stdout:
 *
 * <pre>
 *   (JVM started)                                                             -> @@ READY uptimeMs classes jitMs
 *   harness -> PREPARE   client builds its Camel context, route not started   -> @@ PREPARED classes jitMs
 *   harness -> GO        the route starts (raw: the session runs)             -> @@ ROUTED count octets classes jitMs
 *                                                                                (when all arrived)
 *   harness -> STOP      after the harness saw the maildrop empty             -> @@ STOPPED count octets cpuNs
 *   harness -> RESET     forget the memory peaks of warm-up runs              -> @@ OK
 *   harness -> EXIT                                                          -> @@ MEMORY peakHeap maxAfterGc rss maxHeap
 * </pre>
 *
 * {@code classes} is the number of classes this JVM loaded so far, {@code jitMs} the JIT compilers' time so far, and
 * {@code uptimeMs} how long the JVM had run when its main method was ready: what a fresh JVM's first poll costs
 * besides the poll's own work (the harness's table of first polls). {@code cpuNs} is the CPU time of this whole JVM
 * (every thread: the client's, the JIT's, the collector's) from GO until the last message arrived (the DELEs and
 * QUIT after it, and the empty polls until STOP, are not in it): a figure that other load on the machine distorts
 * far less than the wall clock.
 *
 * <p>Failures are reported as {@code @@ ERROR text}. Everything else this JVM prints goes to stderr, which the harness
 * keeps in a log file.
 *
 * <p>Arguments, as key=value: client (pop3lite, pop3lite-engine, camel-mail, raw), host, port, user, password,
 * expect (messages), window (raw), options (extra endpoint options, e.g. {@code a=1&b=2}), truststore (a PKCS12 file
 * with the server's certificate: the connection is then implicit TLS), take (only the first messages of the
 * maildrop, after listing all of it: pop3lite's maxMessagesPerPoll, one poll; raw and the engine read LIST and UIDL
 * whole).
 */
public final class ClientMain {

    static final String PREFIX = "@@ ";

    /** Of the trust store the harness writes for POP3S; it holds a public certificate only. */
    static final String TRUSTSTORE_PASSWORD = "changeit";
    /** Room for every key of a run: at most three per message routed, 10,000 messages on h. */
    private static final int LEDGER_KEYS = 100_000;

    private final PrintStream protocol;
    private final String client;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final int expect;
    private final int window;
    private final String options;
    private final String truststore;
    /** 0 for every message. */
    private final int take;

    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong octets = new AtomicLong();
    private CamelContext context;
    private volatile long cpuAtGo;
    private volatile long cpuUntilRouted = -1;

    private ClientMain(PrintStream protocol, Map<String, String> args) {
        this.protocol = protocol;
        this.client = args.getOrDefault("client", "");
        this.host = args.getOrDefault("host", "127.0.0.1");
        this.port = Integer.parseInt(args.getOrDefault("port", "110"));
        this.user = args.get("user");
        this.password = args.get("password");
        this.expect = Integer.parseInt(args.getOrDefault("expect", "0"));
        this.window = Integer.parseInt(args.getOrDefault("window", "256"));
        this.options = args.getOrDefault("options", "");
        this.truststore = args.get("truststore");
        this.take = Integer.parseInt(args.getOrDefault("take", "0"));
    }

    public static void main(String[] argv) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // only protocol lines on stdout
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                args.put(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        HeapProbe probe = new HeapProbe();
        ClientMain main = new ClientMain(protocol, args);
        main.say("READY " + ManagementFactory.getRuntimeMXBean().getUptime() + " " + loadState());
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
            try {
                switch (line.trim()) {
                    case "PREPARE" -> {
                        main.prepare();
                        String state = loadState();
                        // the garbage of building a Camel context (a consumer builds one once, not per drain) and
                        // of the previous run is collected now, not in the middle of the timed run
                        System.gc();
                        main.say("PREPARED " + state);
                    }
                    case "GO" -> {
                        main.cpuAtGo = processCpuNanos();
                        main.go();
                    }
                    case "STOP" -> {
                        main.stop();
                        main.say("STOPPED " + main.count.get() + " " + main.octets.get() + " " + main.cpuUntilRouted);
                    }
                    case "RESET" -> {
                        System.gc();
                        probe.reset();
                        main.say("OK");
                    }
                    case "EXIT" -> {
                        main.say("MEMORY " + probe.peakHeapUsed() + " " + probe.maxHeapAfterGc() + " "
                                 + HeapProbe.peakRss() + " " + probe.maxHeap());
                        System.exit(0);
                    }
                    default -> main.say("ERROR unknown command " + line);
                }
            } catch (Throwable e) {
                main.fail(e);
            }
        }
        System.exit(0);
    }

    /** Classes loaded and JIT milliseconds so far; the beans are fetched once, before any run, so as not to count. */
    private static String loadState() {
        return CLASSES.getTotalLoadedClassCount() + " " + (JIT != null ? JIT.getTotalCompilationTime() : -1);
    }

    /** -1 where the JVM does not tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    /** null where the JVM has no JIT or does not time it. */
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean() != null
            && ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported()
            ? ManagementFactory.getCompilationMXBean() : null;

    private synchronized void say(String line) {
        protocol.println(PREFIX + line);
    }

    private void fail(Throwable e) {
        e.printStackTrace();
        say("ERROR " + oneLine(e));
    }

    static String oneLine(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (s.length() > 0) {
                s.append(" <- ");
            }
            s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return s.toString().replace('\n', ' ').replace('\r', ' ');
    }

    private void prepare() throws Exception {
        cpuUntilRouted = -1;
        count.set(0);
        octets.set(0);
        if ("raw".equals(client) || "pop3lite-engine".equals(client)) {
            return;
        }
        String uri = switch (client) {
            // greedy: poll again at once after a poll that found mail; maxMessagesPerPoll 0 (default): no limit.
            // With take, one poll of the first messages, and no second poll before the harness stops the route.
            // Each run drains a reloaded maildrop, which may number its messages as the last one did (Dovecot's
            // index is removed), so it gets a repository of its own (bound below), collected with its context: the
            // keys of the last poll of a run, forgotten only by a later listing, neither apply to the next run nor
            // add up over the runs of one JVM, as they would in the JVM's default repository of one mailboxId
            case "pop3lite" -> "pop3lite:" + host + ":" + port + "?username=" + user + "&password=RAW(" + password + ")"
                               + "&delete=true&initialDelay=0&idempotentRepository=#benchLedger"
                               + (take > 0 ? "&maxMessagesPerPoll=" + take + "&greedy=false&delay=3600000"
                                  : "&delay=10&greedy=true");
            // camel-mail's defaults already fetch everything (maxMessagesPerPoll=0, fetchSize=-1); closeFolder=true
            // (default) closes the POP3 folder after each poll, which is when Angus sends the DELEs and QUIT
            case "camel-mail" -> "pop3://" + host + ":" + port + "?username=" + user + "&password=RAW(" + password + ")"
                                 + "&delete=true&initialDelay=0&delay=10";
            default -> throw new IllegalArgumentException("unknown client '" + client + "'");
        };
        context = new DefaultCamelContext();
        if ("pop3lite".equals(client)) {
            context.getRegistry().bind("benchLedger", MemoryIdempotentRepository.memoryIdempotentRepository(LEDGER_KEYS));
        }
        if (truststore != null && "pop3lite".equals(client)) {
            context.getRegistry().bind("benchTls", sslContextParameters(truststore));
            // the certificate names localhost; the harness connects to 127.0.0.1
            uri += "&security=tls&sslContextParameters=#benchTls&hostnameVerification=false";
        }
        if (!options.isEmpty()) {
            uri += "&" + options;
        }
        String endpoint = uri;
        // large messages go to Camel's spool files, as the pop3lite docs tell users to configure it
        context.getStreamCachingStrategy().setSpoolEnabled(true);
        context.getShutdownStrategy().setTimeout(30);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId("bench").autoStartup(false).process(ClientMain.this::consume);
            }
        });
        context.start();
    }

    /** The route's only step: read the whole body, count it. */
    private void consume(Exchange exchange) throws Exception {
        long n = readFully(exchange.getIn().getBody(), exchange);
        octets.addAndGet(n);
        if (count.incrementAndGet() == expect) {
            cpuUntilRouted = processCpuNanos() - cpuAtGo;
            say("ROUTED " + count.get() + " " + octets.get() + " " + loadState());
        }
    }

    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    /**
     * Reads a body to its end and returns its octets. pop3lite hands the route the raw message as a stream;
     * camel-mail hands it the decoded content (a String for text/plain), already fully in memory.
     */
    static long readFully(Object body, Exchange exchange) throws Exception {
        if (body instanceof String s) {
            return s.length(); // US-ASCII content: one octet per char
        }
        if (body instanceof byte[] bytes) {
            return bytes.length;
        }
        InputStream in = body instanceof InputStream stream
                ? stream
                : exchange.getContext().getTypeConverter().mandatoryConvertTo(InputStream.class, exchange, body);
        byte[] buffer = BUFFER.get();
        long n = 0;
        for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
            n += r;
        }
        return n;
    }

    private void go() throws Exception {
        if ("raw".equals(client) || "pop3lite-engine".equals(client)) {
            Thread session = new Thread(() -> {
                try {
                    RawPop3Client.Result result = "raw".equals(client)
                            ? new RawPop3Client(host, port, window,
                                    truststore == null ? null : sslContext(truststore).getSocketFactory(), take)
                                    .drain(user, password)
                            : EngineDrain.drain(host, port, user, password, take);
                    count.set(result.messages());
                    octets.set(result.octets());
                    cpuUntilRouted = processCpuNanos() - cpuAtGo;
                    say("ROUTED " + result.messages() + " " + result.octets() + " " + loadState());
                } catch (Throwable e) {
                    fail(e);
                }
            }, "raw-pop3");
            session.start();
            return;
        }
        context.getRouteController().startRoute("bench");
    }

    private static SSLContextParameters sslContextParameters(String truststore) {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource("file:" + truststore);
        store.setPassword(TRUSTSTORE_PASSWORD);
        store.setType("PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }

    private static SSLContext sslContext(String truststore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(truststore))) {
            store.load(in, TRUSTSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private void stop() throws Exception {
        if (context != null) {
            context.stop();
            context = null;
        }
    }
}
