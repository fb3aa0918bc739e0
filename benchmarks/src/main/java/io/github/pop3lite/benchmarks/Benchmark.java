package io.github.pop3lite.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * The benchmark harness: starts the server, generates the workloads, runs each client in a JVM of its own, and
 * prints a markdown report. See docs/performance.md and {@code --help}.
 */
public final class Benchmark {

    private final Options options;
    private final Path root;
    private final Path work;
    private final List<Measurement> measurements = new ArrayList<>();
    /** The first poll of a fresh JVM, by client: one drain of a in each of --cold-runs JVMs. */
    private final Map<String, Measurement> cold = new LinkedHashMap<>();
    /** Dovecot or GreenMail; null when only h (its own server) was chosen. */
    private MailServer server;
    /** The server the workload being run drains: {@link #server}, or h's synthetic one. */
    private MailServer target;
    private final String loadBefore;

    private Benchmark(Options options) {
        this.options = options;
        this.root = projectRoot();
        this.work = (options.workDir != null ? options.workDir
                : root != null ? root.resolve("benchmarks/target/bench") : Path.of("target/pop3lite-bench"))
                .toAbsolutePath().normalize();
        this.loadBefore = loadAverage();
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new Benchmark(options).run();
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(work);
        List<Workload> chosen = Workload.all(options.quick, options.latencyMs).stream()
                .filter(w -> options.workloads.contains(w.key())).toList();
        if (options.coldRuns > 0 || chosen.stream().anyMatch(w -> w.link() != Workload.Link.SYNTHETIC)) {
            server = startServer();
        }
        try {
            if (server != null) {
                log("server: " + server.description() + ", port " + server.port());
            }
            for (Workload workload : chosen) {
                if (workload.link() == Workload.Link.SYNTHETIC) {
                    try (SyntheticPop3Server synthetic = new SyntheticPop3Server(workload.count(), workload.size())) {
                        target = synthetic;
                        runWorkload(workload, null);
                    }
                } else {
                    target = server;
                    runWorkload(workload, MessageFiles.prepare(work.resolve("data"), workload));
                }
            }
            if (options.coldRuns > 0) {
                target = server;
                coldRuns();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
        String report = report(Duration.ofNanos(System.nanoTime() - started));
        Path out = options.out != null ? options.out : work.resolve("results.md");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        Path csv = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", "") + ".csv");
        Files.writeString(csv, csv(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(report);
        log("report written to " + out);
    }

    private MailServer startServer() throws Exception {
        Path script = options.dovecotScript != null ? options.dovecotScript
                : root != null ? root.resolve("scripts/dovecot.sh") : null;
        String why = DovecotServer.unavailableReason(script);
        boolean dovecot = switch (options.server) {
            case "dovecot" -> {
                if (why != null) {
                    throw new IllegalStateException("--server dovecot, but " + why);
                }
                yield true;
            }
            case "greenmail" -> false;
            default -> why == null;
        };
        if (dovecot) {
            log("starting Dovecot with " + script);
            return DovecotServer.start(script, work.resolve("dovecot"));
        }
        if (!"greenmail".equals(options.server)) {
            log("Dovecot not available (" + why + "): using GreenMail, whose numbers are not comparable to Dovecot's");
        }
        return new GreenMailServer();
    }

    /** Runs the chosen clients on one workload; {@code messages} is null for h, whose server generates them. */
    private void runWorkload(Workload workload, MessageFiles messages) throws Exception {
        log("workload " + workload.key() + ": " + workload.describe());
        InetSocketAddress plain = new InetSocketAddress(target.host(), target.port());
        Duration delay = Duration.ofMillis(workload.latencyMs());
        LatencyProxy proxy = switch (workload.link()) {
            case PLAIN -> workload.latencyMs() > 0 ? new LatencyProxy(plain, delay) : null;
            case NO_PIPELINING -> new LatencyProxy(plain, delay, true, false);
            case PIECES -> new LatencyProxy(plain, Duration.ZERO, true, true);
            case TLS, SYNTHETIC -> null;
        };
        int port = proxy != null ? proxy.port() : workload.link() == Workload.Link.TLS ? target.tlsPort() : target.port();
        try {
            // the physical limit and pop3lite in turn, run by run: their ratio is the target of issue 5; on h the
            // engine alone too, to show its listing apart from the consumer's plan
            Map<String, String> paired = new LinkedHashMap<>();
            for (String client : workload.partial() ? List.of("raw", "pop3lite", "pop3lite-engine")
                    : List.of("raw", "pop3lite")) {
                if (options.clients.contains(client)) {
                    paired.put(client, heapOf(client));
                }
            }
            if (!paired.isEmpty()) {
                measurements.addAll(inTurn(workload, messages, paired, options.runs, options.warmup, port));
            }
            if (options.clients.contains("mpop") && (workload.key().equals("a") || workload.key().equals("e"))) {
                for (String pipelining : List.of("auto", "on")) {
                    measurements.add(mpop(workload, messages, port, pipelining));
                }
            }
            // camel-mail over POP3S would need a trust store of its own; g compares pop3lite with raw only. On h,
            // camel-mail has no way to take only the first messages without reading the whole maildrop's messages
            // one by one (Angus's folder holds a Message object for each of the million)
            if (options.clients.contains("camel-mail") && workload.link() != Workload.Link.TLS
                && !workload.partial()) {
                // camel-mail's runs on c to f take minutes: fewer of them, and no warm-up
                boolean slow = List.of("c", "d", "e", "f").contains(workload.key());
                int runs = slow ? Math.min(options.runs, options.camelMailSlowRuns) : options.runs;
                if (workload.key().equals("c")) {
                    searchHeap(workload, messages, port, runs);
                } else {
                    measurements.add(measure(workload, messages, "camel-mail", heapOf("camel-mail"), runs,
                            slow ? 0 : options.warmup, port));
                }
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /**
     * The first poll of a fresh JVM, apart from the tables' first-run column (one JVM per client and workload):
     * raw and pop3lite in turn, each in a new JVM that drains a once, --cold-runs times.
     */
    private void coldRuns() throws Exception {
        Workload a = Workload.all(options.quick, options.latencyMs).get(0);
        MessageFiles messages = MessageFiles.prepare(work.resolve("data"), a);
        log("first poll of a fresh JVM: " + options.coldRuns + " JVMs each, one drain of a");
        for (String client : List.of("raw", "pop3lite")) {
            if (options.clients.contains(client)) {
                cold.put(client, new Measurement(a, client, heapOf(client), options.coldRuns));
            }
        }
        for (int i = 0; i < options.coldRuns; i++) {
            for (Measurement m : cold.values()) {
                if (m.error == null) {
                    Measurement one = measure(a, messages, m.client, m.heap, 1, 0, target.port());
                    if (one.ok()) {
                        m.nanos.add(one.nanos.get(0));
                        m.firstRuns.addAll(one.firstRuns);
                    } else {
                        m.error = one.error;
                        m.outOfMemory = one.outOfMemory;
                    }
                }
            }
        }
    }

    /** mpop's runs, one process each, right after raw's and pop3lite's on the same workload. */
    private Measurement mpop(Workload workload, MessageFiles messages, int port, String pipelining) throws Exception {
        Measurement m = new Measurement(workload, "mpop --pipelining=" + pipelining, "–", options.runs);
        if (!MpopClient.installed()) {
            m.error = MpopClient.BINARY + " is not installed (apt-get install mpop)";
            return m;
        }
        log("  " + m.client + ": " + options.runs + " runs");
        MpopClient mpop = new MpopClient(Files.createDirectories(work.resolve("mpop-" + workload.key() + "-" + pipelining)),
                target.host(), port, target.user(), target.password(), pipelining);
        long timeout = TimeUnit.SECONDS.toMillis(options.timeoutSeconds);
        try {
            for (int i = 0; i < options.runs; i++) {
                target.load(messages);
                mpop.prepare();
                long start = System.nanoTime();
                MpopClient.Result result = mpop.drain(timeout);
                awaitCommitted(workload, start, timeout);
                long nanos = System.nanoTime() - start;
                if (result.messages() != workload.count()) {
                    throw new ChildJvm.ChildFailure("mpop delivered " + result.messages() + " messages, expected "
                                                    + workload.count());
                }
                if (i == 0) {
                    m.firstRunNanos = nanos;
                    // maildir delivery ends lines in LF: one octet per line fewer than the server's CRLF
                    m.notes.add(String.format(Locale.ROOT, "delivered %,d octets (the maildrop: %,d)", result.octets(),
                            messages.totalBytes));
                }
                m.nanos.add(nanos);
                log(String.format(Locale.ROOT, "    %s run %d %.3f s", m.client, i + 1, nanos / 1e9));
            }
        } catch (ChildJvm.ChildFailure e) {
            m.error = e.getMessage();
            log("    " + m.client + " FAILED: " + e.getMessage());
        }
        return m;
    }

    /**
     * Waits until the server shows the run's messages gone (an empty maildrop, or on h the first messages): the
     * deletions count only once committed (QUIT).
     */
    private void awaitCommitted(Workload workload, long start, long timeout) throws Exception {
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeout);
        long left = workload.count() - workload.take();
        while (workload.partial() ? target.count() > left : !target.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new ChildJvm.ChildFailure("all messages routed, but the maildrop still holds " + target.count()
                                                + " after " + timeout / 1000 + " s");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** A PKCS12 trust store holding the server's certificate, for the clients on POP3S. */
    private Path trustStore() throws Exception {
        Path file = work.resolve("truststore.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(target.certificate())) {
            store.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, ClientMain.TRUSTSTORE_PASSWORD.toCharArray());
        }
        return file;
    }

    private String heapOf(String client) {
        return switch (client) {
            case "pop3lite", "pop3lite-engine" -> options.heapPop3lite;
            case "raw" -> options.heapRaw;
            default -> options.heapCamelMail;
        };
    }

    /** camel-mail on the large message: the smallest of the listed heaps with which it completes. */
    private void searchHeap(Workload workload, MessageFiles messages, int port, int runs) throws Exception {
        List<String> failed = new ArrayList<>();
        Measurement last = null;
        for (String heap : options.camelMailCHeaps) {
            Measurement m = measure(workload, messages, "camel-mail", heap, runs, 0, port);
            last = m;
            if (m.ok()) {
                if (!failed.isEmpty()) {
                    m.notes.add("smallest heap tried that works; failed with " + String.join(", ", failed));
                } else {
                    m.notes.add("works with the smallest heap tried");
                }
                measurements.add(m);
                return;
            }
            failed.add(heap + (m.outOfMemory ? " (OutOfMemoryError)" : " (" + firstLine(m.error) + ")"));
        }
        if (last != null) {
            last.notes.add("failed with every heap tried: " + String.join(", ", failed));
            measurements.add(last);
        }
    }

    private Measurement measure(Workload workload, MessageFiles messages, String client, String heap, int runs,
                                int warmup, int port) throws Exception {
        return inTurn(workload, messages, Map.of(client, heap), runs, warmup, port).get(0);
    }

    /**
     * Runs the clients (by name, with their heaps) in turn, one run each, until each has made its runs: a
     * drift in the machine's speed (other tenants, the page cache, the server's state) then weighs on each
     * client alike, and the ratios between them stay fair.
     */
    private List<Measurement> inTurn(Workload workload, MessageFiles messages, Map<String, String> heaps, int runs,
                                     int warmup, int port) throws Exception {
        List<ClientRuns> clients = new ArrayList<>();
        try {
            for (Map.Entry<String, String> client : heaps.entrySet()) {
                clients.add(new ClientRuns(workload, client.getKey(), client.getValue(), runs, warmup, port));
            }
            for (int i = 0; i < warmup + runs; i++) {
                for (ClientRuns client : clients) {
                    client.run(i, messages);
                }
            }
            List<Measurement> done = new ArrayList<>();
            for (ClientRuns client : clients) {
                client.finish();
                done.add(client.measurement);
            }
            return done;
        } finally {
            for (ClientRuns client : clients) {
                client.close();
            }
        }
    }

    /** One client's JVM through its warm-up and measured runs. */
    private final class ClientRuns implements AutoCloseable {

        final Measurement measurement;
        private final Workload workload;
        private final int warmup;
        private final ChildJvm child;
        /** Until the JVM's main method was ready, and its classes loaded and JIT milliseconds then. */
        private long startNanos;
        private long[] started;

        ClientRuns(Workload workload, String client, String heap, int runs, int warmup, int port) throws Exception {
            this.workload = workload;
            this.warmup = warmup;
            this.measurement = new Measurement(workload, client, heap, runs);
            log(String.format(Locale.ROOT, "  %s -Xmx%s: %d run%s%s", client, heap, runs, runs == 1 ? "" : "s",
                    warmup > 0 ? " after " + warmup + " warm-up" : ""));
            List<String> args = new ArrayList<>(List.of("client=" + client, "host=" + target.host(), "port=" + port,
                    "user=" + target.user(), "password=" + target.password(), "expect=" + workload.take(),
                    "window=" + options.rawWindow));
            if (workload.partial()) {
                // the first messages of a listing of all: maxMessagesPerPoll for pop3lite, LIST and UIDL read by raw
                args.add("take=" + workload.take());
            }
            if (workload.link() == Workload.Link.TLS) {
                args.add("truststore=" + trustStore());
            }
            String extra = client.equals("pop3lite") ? options.pop3liteOptions
                    : client.equals("camel-mail") ? options.camelMailOptions : "";
            if (!extra.isEmpty()) {
                args.add("options=" + extra);
            }
            Path logFile = work.resolve("logs").resolve(workload.key() + "-" + client + "-" + heap + ".log");
            Files.deleteIfExists(logFile);
            long spawned = System.nanoTime();
            child = new ChildJvm(heap, client.equals("pop3lite") ? options.jvmArgsPop3lite : List.of(), logFile,
                    work.resolve("tmp"), args);
            try {
                String[] ready = child.await("READY", 60_000).split(" ");
                startNanos = System.nanoTime() - spawned;
                started = new long[] { Long.parseLong(ready[1]), Long.parseLong(ready[2]) };
            } catch (ChildJvm.ChildFailure e) {
                failed(e);
            } catch (InterruptedException | RuntimeException e) {
                child.close();
                throw e;
            }
        }

        void run(int i, MessageFiles messages) throws Exception {
            if (measurement.error != null) {
                return;
            }
            try {
                if (i == warmup) {
                    child.send("RESET");
                    child.await("OK", 60_000);
                }
                Run run = oneRun(child, workload, messages, measurement.client,
                        TimeUnit.SECONDS.toMillis(options.timeoutSeconds));
                long nanos = run.nanos();
                if (i == 0) {
                    measurement.firstRunNanos = nanos;
                    measurement.firstRuns.add(new Measurement.FirstRun(startNanos, (int) started[0],
                            jit(started[1], 0), run.contextNanos(), (int) (run.prepared()[0] - started[0]),
                            jit(run.prepared()[1], started[1]), nanos, (int) (run.routed()[0] - run.prepared()[0]),
                            jit(run.routed()[1], run.prepared()[1])));
                }
                if (i >= warmup) {
                    measurement.nanos.add(nanos);
                    measurement.cpuNanos.add(run.cpuNanos());
                }
                log(String.format(Locale.ROOT,
                        "    %s %s %.3f s (%s msg/s, %s MiB/s; client JVM CPU until routed %.3f s)", measurement.client,
                        i < warmup ? "warm-up" : "run " + (i - warmup + 1), nanos / 1e9,
                        num(workload.take() / (nanos / 1e9)), num(workload.totalBytes() / 1048576.0 / (nanos / 1e9)),
                        run.cpuNanos() / 1e9));
            } catch (ChildJvm.ChildFailure e) {
                failed(e);
            }
        }

        void finish() throws Exception {
            if (measurement.error != null) {
                return;
            }
            try {
                child.send("EXIT");
                String[] mem = child.await("MEMORY", 60_000).split(" ");
                measurement.peakHeap = Long.parseLong(mem[0]);
                measurement.maxHeapAfterGc = Long.parseLong(mem[1]);
                measurement.peakRss = Long.parseLong(mem[2]);
            } catch (ChildJvm.ChildFailure e) {
                failed(e);
            }
        }

        private void failed(ChildJvm.ChildFailure e) {
            measurement.error = e.getMessage();
            measurement.outOfMemory = e.outOfMemory;
            log("    " + measurement.client + " FAILED: " + e.getMessage());
        }

        @Override
        public void close() throws Exception {
            child.close();
        }
    }

    /** JIT milliseconds between two readings; -1 when the JVM does not time its JIT. */
    private static long jit(long now, long before) {
        return now < 0 || before < 0 ? -1 : now - before;
    }

    /**
     * One drain: {@code nanos} is the timed part, the route's start until the maildrop shows it drained;
     * {@code contextNanos} is the Camel context's start before it; {@code prepared} and {@code routed} are the
     * client's classes loaded and JIT milliseconds at those two points; {@code cpuNanos} the client JVM's CPU time
     * from the route's start until the last message arrived (-1 when the JVM does not tell).
     */
    private record Run(long nanos, long contextNanos, long[] prepared, long[] routed, long cpuNanos) {
    }

    private static long[] loadState(String[] parts, int from) {
        return new long[] { Long.parseLong(parts[from]), Long.parseLong(parts[from + 1]) };
    }

    /** One timed drain: from the start of the route until every message was routed and the maildrop is empty. */
    private Run oneRun(ChildJvm child, Workload workload, MessageFiles messages, String client, long timeout)
            throws Exception {
        target.load(messages);
        long preparing = System.nanoTime();
        child.send("PREPARE");
        long[] prepared = loadState(child.await("PREPARED", 120_000).split(" "), 0);
        long start = System.nanoTime();
        long contextNanos = start - preparing;
        child.send("GO");
        long[] routed = loadState(child.await("ROUTED", timeout).split(" "), 2);
        awaitCommitted(workload, start, timeout);
        long elapsed = System.nanoTime() - start;
        child.send("STOP");
        String[] stopped = child.await("STOPPED", 120_000).split(" ");
        int count = Integer.parseInt(stopped[0]);
        long octets = Long.parseLong(stopped[1]);
        if (count != workload.take()) {
            throw new ChildJvm.ChildFailure(client + " routed " + count + " messages, expected " + workload.take());
        }
        // camel-mail hands the route the decoded content only; the others the whole message
        long expected = client.equals("camel-mail") ? messages.bodyBytes : workload.totalBytes();
        if (octets != expected) {
            if (!(target instanceof GreenMailServer)) {
                // GreenMail re-serialises messages: sizes may differ a little
                throw new ChildJvm.ChildFailure(client + " received " + octets + " octets, expected " + expected);
            }
        }
        return new Run(elapsed, contextNanos, prepared, routed, Long.parseLong(stopped[2]));
    }

    // ---------------------------------------------------------------------------------------------- the report

    private String report(Duration took) {
        StringBuilder s = new StringBuilder();
        s.append("## pop3lite benchmark, ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append("\n\n");
        if (!options.label.isEmpty()) {
            s.append("- Label: ").append(options.label).append('\n');
        }
        s.append("- Machine: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(memTotal()).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append('\n');
        s.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (each client in a JVM of its own, default GC)\n");
        if (server != null) {
            s.append("- Server: ").append(server.description()).append('\n');
        }
        if (options.workloads.contains("h")) {
            s.append("- Server of h: a synthetic POP3 server in the harness's JVM (SyntheticPop3Server), which generates"
                     + " each message when it is asked for it\n");
        }
        s.append("- pop3lite: ").append(codeVersion()).append("; camel-mail: ").append(jarOf(
                org.apache.camel.component.mail.MailComponent.class)).append('\n');
        s.append("- Settings: ").append(options.runs).append(" runs (camel-mail on c and d: ")
                .append(Math.min(options.runs, options.camelMailSlowRuns)).append("), ").append(options.warmup)
                .append(" warm-up run(s) in the same JVM (camel-mail on c and d: none), raw and pop3lite in turn, raw window ").append(options.rawWindow)
                .append(" messages").append(options.quick ? ", QUICK (workloads at a tenth of their size)" : "")
                .append(options.pop3liteOptions.isEmpty() ? "" : ", pop3lite options `" + options.pop3liteOptions + "`")
                .append(options.camelMailOptions.isEmpty() ? "" : ", camel-mail options `" + options.camelMailOptions + "`")
                .append('\n');
        s.append("- Load average before / after: ").append(loadBefore).append(" / ").append(loadAverage())
                .append("; whole run took ").append(took.toMinutes()).append(" min ").append(took.toSecondsPart())
                .append(" s\n\n");

        // with no workload chosen (--workloads ''), the first polls are the whole report
        if (!measurements.isEmpty()) {
            s.append("| workload | client | -Xmx | runs | median s (min–max) | first run s (cold JVM) | msg/s | MiB/s |"
                     + " peak heap MiB | max heap after GC MiB | peak RSS MiB | notes |\n");
            s.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        }
        for (Workload w : Workload.all(options.quick, options.latencyMs)) {
            for (String client : Options.ALL_CLIENTS) {
                for (Measurement m : measurements) {
                    if (m.workload.key().equals(w.key())
                        && (m.client.equals(client) || m.client.startsWith(client + " "))) {
                        s.append(row(m));
                    }
                }
            }
        }
        if (!measurements.isEmpty()) {
            s.append("\n| workload | pop3lite ÷ raw | pop3lite ÷ camel-mail | pop3lite ÷ mpop (auto / on) | target"
                     + " (issues 5 and 12) | pop3lite ÷ raw, first runs (cold JVM) |\n|---|---|---|---|---|---|\n");
        }
        for (Workload w : Workload.all(options.quick, options.latencyMs)) {
            if (!options.workloads.contains(w.key())) {
                continue;
            }
            Measurement p = find(w, "pop3lite");
            Measurement raw = find(w, "raw");
            Measurement cm = find(w, "camel-mail");
            Measurement mpopAuto = find(w, "mpop --pipelining=auto");
            Measurement mpopOn = find(w, "mpop --pipelining=on");
            // the least ratio over raw and over camel-mail each workload must reach; 0 where none is set
            double minRaw = switch (w.key()) {
                case "d", "h" -> 0;
                case "e", "f" -> 0.5;
                default -> 0.8;
            };
            double minCamelMail = w.key().equals("d") || w.key().equals("e") ? 20 : 0;
            boolean vsMpop = w.key().equals("a") || w.key().equals("e");
            List<String> targets = new ArrayList<>();
            if (minRaw > 0) {
                targets.add("≥ " + minRaw + "× raw" + (w.key().equals("c") ? ", within -Xmx64m" : ""));
            }
            if (minCamelMail > 0) {
                targets.add("≥ " + (int) minCamelMail + "× camel-mail");
            }
            if (w.partial()) {
                targets.add("within -Xmx64m");
            }
            if (vsMpop) {
                targets.add("≥ 1× mpop");
            }
            boolean met = true;
            boolean known = p != null && p.ok();
            if (known && minRaw > 0) {
                known = raw != null && raw.ok();
                met = known && raw.medianSeconds() / p.medianSeconds() >= minRaw
                      && (!w.key().equals("c") || parseSize(p.heap) <= 64L * 1024 * 1024);
            }
            if (known && minCamelMail > 0) {
                known = cm != null && cm.ok();
                met &= known && cm.medianSeconds() / p.medianSeconds() >= minCamelMail;
            }
            if (known && vsMpop) {
                for (Measurement mpop : new Measurement[] { mpopAuto, mpopOn }) {
                    known &= mpop != null && mpop.ok();
                    met &= known && mpop.medianSeconds() / p.medianSeconds() >= 1;
                }
            }
            s.append("| ").append(label(w)).append(" | ").append(ratio(p, raw)).append(" | ").append(ratio(p, cm))
                    .append(" | ").append(vsMpop ? ratio(p, mpopAuto) + " / " + ratio(p, mpopOn) : "–").append(" | ")
                    .append("pop3lite ").append(String.join(", ", targets))
                    // h's only target is the heap, and an OutOfMemoryError is a verdict on it
                    .append(w.partial() ? heapVerdict(p) : known ? met ? " — met" : " — not met" : "")
                    .append(" | ").append(coldRatio(p, raw)).append(" |\n");
            Measurement engine = find(w, "pop3lite-engine");
            if (engine != null) {
                s.append("| ").append(label(w)).append(", the engine alone | ").append(ratio(engine, raw))
                        .append(" | – | – | within -Xmx64m").append(heapVerdict(engine))
                        .append(" | ").append(coldRatio(engine, raw)).append(" |\n");
            }
        }
        if (!cold.isEmpty()) {
            Measurement p = cold.get("pop3lite");
            Measurement raw = cold.get("raw");
            s.append("\n| first poll of a fresh JVM | JVMs | raw median s (min–max) | pop3lite median s (min–max) |"
                     + " pop3lite ÷ raw | target (issue 12) |\n|---|---|---|---|---|---|\n");
            s.append("| ").append(label(Workload.all(options.quick, options.latencyMs).get(0))).append(" | ")
                    .append(options.coldRuns).append(" | ").append(spread(raw)).append(" | ").append(spread(p))
                    .append(" | ").append(ratio(p, raw)).append(" | pop3lite ≥ 0.5× raw");
            if (p != null && p.ok() && raw != null && raw.ok()) {
                s.append(raw.medianSeconds() / p.medianSeconds() >= 0.5 ? " — met" : " — not met");
            }
            s.append(" |\n\n| client, first poll of a fresh JVM | JVM start until main s | Camel context start s |"
                     + " first poll s | classes loaded: start / context / poll | JIT ms: start / context / poll |\n"
                     + "|---|---|---|---|---|---|\n");
            for (Measurement m : cold.values()) {
                s.append(phases(m));
            }
            s.append("\nEach run of these tables is the only drain of a JVM started for it (raw and pop3lite in"
                     + " turn). The first poll runs from the route's start (raw: the connect) until the maildrop"
                     + " shows the drain committed, as in the other tables; the JVM's start (the harness's clock,"
                     + " from starting the process until the client's main method is ready) and the Camel context's"
                     + " start (built and started, route not started) come before it and are not in it. Medians over"
                     + " the JVMs; the classes and the JIT's time are the client JVM's own counters.\n");
        }
        s.append("\nRatios are of throughput (the other's median time ÷ pop3lite's). Times run from the start of the"
                 + " route (raw: the connect) until every message was routed and the server shows an empty maildrop."
                 + " The median is over the measured runs, after the warm-up runs (none for camel-mail on c and d);"
                 + " the first run is the first drain in the client's fresh JVM, before the JIT compiled the code."
                 + " Peak heap: sum of the heap pools' peaks; max heap after GC: the most heap still in use right"
                 + " after a collection (about the live set); peak RSS: VmHWM of the client's process. Memory is"
                 + " taken over the measured runs only.\n");
        List<Measurement> all = new ArrayList<>(measurements);
        all.addAll(cold.values());
        boolean anyFailed = all.stream().anyMatch(m -> !m.ok());
        if (anyFailed) {
            s.append("\nFailures:\n");
            for (Measurement m : all) {
                if (!m.ok()) {
                    s.append("- ").append(m.workload.key()).append(' ').append(m.client).append(" -Xmx").append(m.heap)
                            .append(": ").append(firstLine(m.error)).append('\n');
                }
            }
        }
        return s.toString();
    }

    /** Every measured run, one line each, for other tools. */
    private String csv() {
        StringBuilder s = new StringBuilder("workload,messages,message_octets,latency_ms,client,xmx,run,seconds,"
                                            + "peak_heap_bytes,max_heap_after_gc_bytes,peak_rss_bytes,client_cpu_seconds,error\n");
        List<Measurement> all = new ArrayList<>(measurements);
        all.addAll(cold.values());
        for (Measurement m : all) {
            // the first-poll runs are marked "a cold": one fresh JVM each
            String prefix = m.workload.key() + (cold.containsValue(m) ? " cold" : "") + "," + m.workload.count() + "," + m.workload.size() + ","
                            + m.workload.latencyMs() + "," + m.client + "," + m.heap + ",";
            String memory = m.peakHeap + "," + m.maxHeapAfterGc + "," + m.peakRss + ",";
            for (int i = 0; i < m.nanos.size(); i++) {
                s.append(prefix).append(i + 1).append(',').append(String.format(Locale.ROOT, "%.6f", m.nanos.get(i) / 1e9))
                        .append(',').append(memory).append(cpuSeconds(m, i)).append(",\n");
            }
            if (!m.ok()) {
                s.append(prefix).append(",,").append(memory).append(",\"")
                        .append(firstLine(m.error).replace('"', '\'')).append("\"\n");
            }
        }
        return s.toString();
    }

    /** Empty for mpop, which is no JVM, and where the JVM did not tell. */
    private static String cpuSeconds(Measurement m, int run) {
        return run < m.cpuNanos.size() && m.cpuNanos.get(run) >= 0
                ? String.format(Locale.ROOT, "%.6f", m.cpuNanos.get(run) / 1e9) : "";
    }

    private String row(Measurement m) {
        StringBuilder s = new StringBuilder("| ").append(label(m.workload)).append(" | ").append(m.client)
                .append(" | ").append(m.heap).append(" | ");
        if (!m.ok()) {
            s.append(m.nanos.size()).append('/').append(m.plannedRuns).append(" | failed | | | | | | | ")
                    .append(failure(m));
            for (String note : m.notes) {
                s.append("; ").append(note);
            }
            return s.append(" |\n").toString();
        }
        long min = m.nanos.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = m.nanos.stream().mapToLong(Long::longValue).max().orElse(0);
        s.append(m.nanos.size()).append(" | ")
                .append(String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", m.medianSeconds(), min / 1e9, max / 1e9))
                .append(" | ").append(String.format(Locale.ROOT, "%.3f", m.firstRunNanos / 1e9))
                .append(" | ").append(num(m.messagesPerSecond()))
                .append(" | ").append(num(m.mibPerSecond()))
                .append(" | ").append(mib(m.peakHeap)).append(" | ").append(mib(m.maxHeapAfterGc))
                .append(" | ").append(mib(m.peakRss)).append(" | ").append(String.join("; ", m.notes)).append(" |\n");
        return s.toString();
    }

    /** One row of the first-poll phases: the median of each phase over the client's fresh JVMs. */
    private static String phases(Measurement m) {
        List<Measurement.FirstRun> runs = m.firstRuns;
        if (runs.isEmpty()) {
            return "| " + m.client + " | " + (m.ok() ? "–" : "failed: " + firstLine(m.error).replace('|', '/'))
                   + " | | | | |\n";
        }
        return "| " + m.client + " | " + seconds(medianOf(runs, Measurement.FirstRun::startNanos)) + " | "
               + (m.client.equals("raw") ? "–" : seconds(medianOf(runs, Measurement.FirstRun::contextNanos))) + " | "
               + seconds(medianOf(runs, Measurement.FirstRun::pollNanos)) + " | "
               + String.format(Locale.ROOT, "%,d / %,d / %,d", medianOf(runs, Measurement.FirstRun::startClasses),
                       medianOf(runs, Measurement.FirstRun::contextClasses),
                       medianOf(runs, Measurement.FirstRun::pollClasses))
               + " | " + medianOf(runs, Measurement.FirstRun::startJitMillis) + " / "
               + medianOf(runs, Measurement.FirstRun::contextJitMillis) + " / "
               + medianOf(runs, Measurement.FirstRun::pollJitMillis) + " |\n";
    }

    private static long medianOf(List<Measurement.FirstRun> runs, ToLongFunction<Measurement.FirstRun> phase) {
        return Measurement.median(runs.stream().map(phase::applyAsLong).toList());
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    /** Why a client failed, in a line: an OutOfMemoryError with the heap it had, or the error's first line. */
    private static String failure(Measurement m) {
        return m.outOfMemory ? "OutOfMemoryError at -Xmx" + m.heap : firstLine(m.error).replace('|', '/');
    }

    /** The verdict on "within -Xmx64m" of a client that takes part of h: only a completed run meets it. */
    private static String heapVerdict(Measurement m) {
        if (m == null) {
            return "";
        }
        if (m.ok()) {
            return parseSize(m.heap) <= 64L * 1024 * 1024 ? " — met" : " — not met (-Xmx" + m.heap + ")";
        }
        return m.outOfMemory ? " — not met (" + failure(m) + ")" : "";
    }

    /** Median (min–max) in seconds, or why there is none. */
    private static String spread(Measurement m) {
        if (m == null) {
            return "–";
        }
        if (!m.ok()) {
            return "failed";
        }
        long min = m.nanos.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = m.nanos.stream().mapToLong(Long::longValue).max().orElse(0);
        return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", m.medianSeconds(), min / 1e9, max / 1e9);
    }

    private static String label(Workload w) {
        return w.key() + ": " + String.format(Locale.ROOT, "%,d", w.count()) + " × " + Workload.human(w.size())
               + (w.partial() ? String.format(Locale.ROOT, ", first %,d", w.take()) : "")
               + (w.latencyMs() > 0 ? ", +" + w.latencyMs() + " ms each way" : "")
               + switch (w.link()) {
                   case PLAIN -> "";
                   case NO_PIPELINING -> ", no PIPELINING in CAPA";
                   case PIECES -> ", replies in pieces with Nagle, no PIPELINING";
                   case TLS -> ", implicit TLS";
                   case SYNTHETIC -> ", synthetic server";
               };
    }

    private Measurement find(Workload w, String client) {
        return measurements.stream().filter(m -> m.workload.key().equals(w.key()) && m.client.equals(client))
                .findFirst().orElse(null);
    }

    private static String ratio(Measurement p, Measurement other) {
        if (p == null || other == null) {
            return "–";
        }
        if (!p.ok() || !other.ok()) {
            return "n/a (a run failed)";
        }
        return num(other.medianSeconds() / p.medianSeconds()) + "×";
    }

    private static String coldRatio(Measurement p, Measurement other) {
        if (p == null || other == null) {
            return "–";
        }
        if (p.firstRunNanos < 0 || other.firstRunNanos < 0) {
            return "n/a (a run failed)";
        }
        return num((double) other.firstRunNanos / p.firstRunNanos) + "×";
    }

    /** Three significant digits below 100 (0.0458, 1.10, 48.7), whole numbers with separators above (9,139). */
    static String num(double value) {
        if (value >= 100 || value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(3)).toPlainString();
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }

    static long parseSize(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.charAt(s.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1024L : last == 'm' ? 1024L * 1024 : 1024L * 1024 * 1024;
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * unit;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    // ----------------------------------------------------------------------------------------- the environment

    private static void log(String line) {
        System.out.println("[bench] " + line);
    }

    /** The directory holding scripts/dovecot.sh: searched upwards from here and from this jar. */
    private static Path projectRoot() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // only the working directory then
        }
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("scripts/dovecot.sh")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.0f GiB RAM", kb / 1048576.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "? RAM";
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * Which pop3lite is measured: the jar, and when it was built from this checkout, the git commit and whether
     * camel-pop3lite had uncommitted changes.
     */
    private String codeVersion() {
        String jar = jarOf(io.github.pop3lite.component.Pop3LiteComponent.class);
        if (root == null || jar.startsWith("/")) {
            return "classes from " + jar;
        }
        String head = git("rev-parse", "--short", "HEAD");
        String dirty = git("status", "--porcelain", "--", "camel-pop3lite/src/main");
        return (head.isEmpty() ? "" : "commit " + head)
               + (dirty.isEmpty() ? "" : " + uncommitted changes in camel-pop3lite/src/main")
               + " (classes from " + jar + ")";
    }

    private String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private String jarOf(Class<?> type) {
        try {
            Path p = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (root != null && p.startsWith(root)) {
                return root.relativize(p).toString();
            }
            return p.toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "?";
        }
    }
}
