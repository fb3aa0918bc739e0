package io.github.pop3lite.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The harness's command line. */
final class Options {

    static final List<String> ALL_CLIENTS = List.of("pop3lite", "pop3lite-engine", "camel-mail", "raw", "mpop");

    List<String> workloads = Workload.KEYS;
    List<String> clients = ALL_CLIENTS;
    int runs = 5;
    int warmup = 10;
    int camelMailSlowRuns = 1;
    int coldRuns = 5;
    String heapPop3lite = "64m";
    String heapRaw = "64m";
    String heapCamelMail = "256m";
    List<String> camelMailCHeaps = List.of("256m", "512m", "1g", "2g", "3g", "4g");
    int latencyMs = 10;
    int rawWindow = 256;
    String server = "auto";
    Path workDir;
    Path dovecotScript;
    int timeoutSeconds = 900;
    String pop3liteOptions = "";
    /** Added to the pop3lite client JVM's command line, e.g. a Flight Recorder recording. */
    List<String> jvmArgsPop3lite = List.of();
    String camelMailOptions = "";
    boolean quick;
    Path out;
    String label = "";

    static final String USAGE = """
            Usage: java -jar benchmarks/target/pop3lite-benchmarks.jar [options]

            Drains a POP3 maildrop with the pop3lite consumer, the camel-mail pop3 consumer and a raw pipelined
            socket client, each in a JVM of its own, and prints a markdown table of medians.

              --workloads a,b,...,h       a: 2,000 x 2 KiB; b: 200 x 100 KiB; c: 1 x 200 MiB;
                                          d: a through a proxy adding --latency-ms each way;
                                          e: d with PIPELINING removed from CAPA;
                                          f: a through a proxy that writes each reply in two pieces
                                             with Nagle on, PIPELINING removed from CAPA;
                                          g: a over implicit TLS (POP3S);
                                          h: 1,000,000 x 2 KiB on a synthetic server, the listing
                                             and the first 10,000 messages                    (default: all)
                                          '' for none: only the first polls of --cold-runs
              --clients LIST              pop3lite,pop3lite-engine,camel-mail,raw,mpop
                                          (mpop: on a and e only, with --pipelining=auto and on;
                                          pop3lite-engine, the engine without Camel: on h only;
                                          camel-mail: not on g and h)                         (default: all)
              --runs N                    measured runs of each client on each workload       (default: 5)
              --warmup N                  unmeasured runs first, in the same JVM              (default: 10)
                                          (camel-mail: on a and b only)
              --camel-mail-slow-runs N    runs of camel-mail on c to f, which take minutes    (default: 1)
              --cold-runs N               fresh JVMs of raw and pop3lite, in turn, each draining a once:
                                          the first poll of a fresh JVM; 0 for none           (default: 5)
              --heap-pop3lite SIZE        -Xmx of the pop3lite JVM, every workload            (default: 64m)
              --heap-raw SIZE             -Xmx of the raw client's JVM                        (default: 64m)
              --heap-camel-mail SIZE      -Xmx of camel-mail's JVM on a, b and d              (default: 256m)
              --camel-mail-c-heaps LIST   heaps tried in turn for camel-mail on c; the first that completes
                                          is reported                           (default: 256m,512m,1g,2g,3g,4g)
              --latency-ms N              one-way delay of the proxy in workload d            (default: 10)
              --raw-window N              messages in flight in the raw client's pipeline     (default: 256)
              --server auto|dovecot|greenmail                                                 (default: auto)
              --work-dir DIR              generated messages, Dovecot's state, client logs
                                          (default: benchmarks/target/bench)
              --dovecot-script FILE       (default: scripts/dovecot.sh of this project)
              --timeout-s N               limit for one run                                   (default: 900)
              --pop3lite-options OPTS     extra endpoint options, e.g. 'readTimeout=60000'
              --jvm-args-pop3lite ARGS    JVM options of the pop3lite client JVMs, space-separated,
                                          e.g. '-XX:StartFlightRecording=filename=/tmp/rec/'
              --camel-mail-options OPTS   e.g. 'mail.pop3.filecache.enable=true&mapMailMessage=false'
              --quick                     every workload at a tenth of its size, for trying the harness
              --out FILE                  where the markdown report goes too   (default: WORK-DIR/results.md)
              --label TEXT                a line for the report, e.g. which pop3lite build this measures
            """;

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (arg.equals("--quick")) {
                o.quick = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value\n\n" + USAGE);
                }
                value = args[++i];
            }
            switch (arg) {
                case "--workloads" -> o.workloads = list(value, Workload.KEYS, "workload");
                case "--clients" -> o.clients = list(value, ALL_CLIENTS, "client");
                case "--runs" -> o.runs = positive(arg, value);
                case "--warmup" -> o.warmup = Integer.parseInt(value);
                case "--camel-mail-slow-runs" -> o.camelMailSlowRuns = positive(arg, value);
                case "--cold-runs" -> o.coldRuns = Integer.parseInt(value);
                case "--heap-pop3lite" -> o.heapPop3lite = value;
                case "--heap-raw" -> o.heapRaw = value;
                case "--heap-camel-mail" -> o.heapCamelMail = value;
                case "--camel-mail-c-heaps" -> o.camelMailCHeaps = Arrays.stream(value.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList();
                case "--latency-ms" -> o.latencyMs = Integer.parseInt(value);
                case "--raw-window" -> o.rawWindow = positive(arg, value);
                case "--server" -> o.server = value.toLowerCase(Locale.ROOT);
                case "--work-dir" -> o.workDir = Path.of(value);
                case "--dovecot-script" -> o.dovecotScript = Path.of(value);
                case "--timeout-s" -> o.timeoutSeconds = positive(arg, value);
                case "--pop3lite-options" -> o.pop3liteOptions = value;
                case "--camel-mail-options" -> o.camelMailOptions = value;
                case "--jvm-args-pop3lite" -> o.jvmArgsPop3lite = Arrays.stream(value.trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList();
                case "--out" -> o.out = Path.of(value);
                case "--label" -> o.label = value;
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n\n" + USAGE);
            }
        }
        if (!List.of("auto", "dovecot", "greenmail").contains(o.server)) {
            throw new IllegalArgumentException("--server must be auto, dovecot or greenmail");
        }
        return o;
    }

    private static int positive(String name, String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }

    /** The chosen items, in the canonical order of {@code allowed}. */
    private static List<String> list(String value, List<String> allowed, String what) {
        List<String> chosen = new ArrayList<>();
        for (String s : value.split(",")) {
            String item = s.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty()) {
                continue;
            }
            if (!allowed.contains(item)) {
                throw new IllegalArgumentException("unknown " + what + " '" + item + "'; choose from " + allowed);
            }
            chosen.add(item);
        }
        return allowed.stream().filter(chosen::contains).toList();
    }
}
