package io.github.pop3lite.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Many mailboxes on one node: starts N pop3lite routes that poll empty maildrops of a loopback
 * server in this JVM, all on one shared scheduled pool, lets them poll for a while, and reports the
 * start time, the JVM's threads, the heap in use after a full GC and the sessions served.
 *
 * <pre>
 * java -Xmx256m -cp benchmarks/target/pop3lite-benchmarks.jar io.github.pop3lite.benchmarks.IdleMailboxes \
 *     [mailboxes=10000] [threads=4] [delayMs=60000] [seconds=90] [shared=true]
 * </pre>
 *
 * shared=false gives every consumer Camel's default scheduler (a thread of its own), for comparison.
 */
public final class IdleMailboxes {

    private IdleMailboxes() {
    }

    public static void main(String[] args) throws Exception {
        int mailboxes = Integer.parseInt(arg(args, "mailboxes", "10000"));
        int threads = Integer.parseInt(arg(args, "threads", "4"));
        long delayMs = Long.parseLong(arg(args, "delayMs", "60000"));
        long seconds = Long.parseLong(arg(args, "seconds", "90"));
        boolean shared = Boolean.parseBoolean(arg(args, "shared", "true"));

        try (EmptyMaildropServer server = new EmptyMaildropServer()) {
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            CamelContext context = new DefaultCamelContext();
            // a plain JDK pool: Camel's own scheduled pools bound their queue at 1,000 tasks, one per consumer here
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, new ThreadFactory() {
                private final AtomicLong count = new AtomicLong();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "pop3lite-poller-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            });
            pool.setRemoveOnCancelPolicy(true);
            context.getRegistry().bind("pollers", pool);
            long start = System.nanoTime();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    for (int i = 0; i < mailboxes; i++) {
                        // first polls spread over one delay, as a node that starts with many mailboxes should
                        long initialDelay = delayMs * i / mailboxes;
                        from("pop3lite:127.0.0.1:" + server.port() + "?username=user" + i + "&password=pw"
                             + "&delay=" + delayMs + "&initialDelay=" + initialDelay
                             + (shared ? "&scheduledExecutorService=#pollers" : ""))
                                .routeId("mailbox-" + i).process(exchange -> { });
                    }
                }
            });
            context.start();
            double startSeconds = (System.nanoTime() - start) / 1e9;
            long sessionsAtStart = server.sessions.get();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int peakThreads = 0;
            while (System.nanoTime() < until) {
                peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
                Thread.sleep(500); // sampling interval of the thread count, not a wait for a condition
            }
            long sessions = server.sessions.get() - sessionsAtStart;
            System.gc();
            long heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long maxHeap = Runtime.getRuntime().maxMemory();
            System.out.printf(Locale.ROOT,
                    "IDLE MAILBOXES %d, %s: started in %.1f s; threads %d before, peak %d while polling (server %d);"
                    + " heap after GC %.1f MiB of -Xmx %.0f MiB (%.1f KiB per mailbox); %d sessions in %d s (%.1f/s),"
                    + " %d failed%n",
                    mailboxes, shared ? "shared pool of " + threads + " threads" : "a scheduler thread each",
                    startSeconds, threadsBefore, peakThreads, EmptyMaildropServer.THREADS, heapAfterGc / 1048576.0,
                    maxHeap / 1048576.0, heapAfterGc / 1024.0 / mailboxes, sessions, seconds,
                    sessions / (double) seconds, server.failures.get());
            context.stop();
            pool.shutdownNow();
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }

    /** A loopback POP3 server whose every maildrop is empty: what an idle mailbox answers. */
    static final class EmptyMaildropServer implements AutoCloseable {

        static final int THREADS = 4;

        private final ServerSocket socket;
        private final ExecutorService workers = Executors.newFixedThreadPool(THREADS + 1);
        final AtomicLong sessions = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        EmptyMaildropServer() throws IOException {
            socket = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
            workers.execute(this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    workers.execute(() -> serve(client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket client) {
            try (client) {
                client.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = client.getOutputStream();
                out.write("+OK empty maildrops\r\n".getBytes(StandardCharsets.US_ASCII));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String command = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    String reply = switch (command) {
                        case "CAPA" -> "+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n";
                        case "USER", "PASS", "NOOP", "RSET" -> "+OK\r\n";
                        case "STAT" -> "+OK 0 0\r\n";
                        case "LIST", "UIDL" -> "+OK 0 messages\r\n.\r\n";
                        case "QUIT" -> "+OK bye\r\n";
                        default -> "-ERR unknown command\r\n";
                    };
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                    if (command.equals("QUIT")) {
                        sessions.incrementAndGet();
                        return;
                    }
                }
                failures.incrementAndGet();
            } catch (IOException e) {
                failures.incrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            workers.shutdownNow();
        }
    }
}
