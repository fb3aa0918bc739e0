package io.github.pop3lite.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded fuzz run of the reply parser, the listing parsers (LIST, UIDL, CAPA through a real session on
 * loopback) and the dot-terminated reader (RETR data, split at random). The server's bytes are random,
 * or random pieces of POP3. Properties: nothing hangs past the deadline the docs state, nothing allocates
 * beyond the documented bounds, and only the engine's exception types (and the socket's) escape.
 *
 * <p>Budget: {@code -Dpop3lite.fuzz.seconds} (default 60, shared by the three targets); seed:
 * {@code -Dpop3lite.fuzz.seed} (default: new each run, printed, and named in every failure).
 */
class EngineFuzzTest {

    private static final long SECONDS = Long.getLong("pop3lite.fuzz.seconds", 60);
    private static final long SEED = Long.getLong("pop3lite.fuzz.seed", System.nanoTime());
    private static final Duration READ_TIMEOUT = Duration.ofMillis(200);
    /** A loaded machine: the bound for one session is readTimeout per reply plus this. */
    private static final long SLACK_MILLIS = 3000;
    /** Far above what a session over a few KiB may allocate: a bound that a leak or a runaway buffer breaks. */
    private static final long MAX_ALLOCATED_PER_CASE = 16L * 1024 * 1024;

    private static final String[] TOKENS = { "+OK", "-ERR", " ", "\r\n", "\n", "\r", ".", "..", ".\r\n", "\r\n.\r\n",
                                             "1", "0", "-1", "2147483648", "99999999999999999999", "[IN-USE]", "[AUTH]",
                                             "[SYS/PERM]", "[", "]", "<a@b>", "UIDL", "PIPELINING", "\0", "\u00ff",
                                             "octets", "\t", "1 100", "2 abc", "1 uid-1" };

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static ServerSocket listener;
    private static volatile byte[] nextReply = new byte[0];
    private static volatile boolean closeAfter;
    private static Thread serverThread;

    @BeforeAll
    static void startServer() throws IOException {
        System.out.println("EngineFuzzTest: seed " + SEED + " (-Dpop3lite.fuzz.seed), " + SECONDS + " s");
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        serverThread = new Thread(EngineFuzzTest::serve, "fuzz-pop3-server");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        listener.close();
    }

    /** Greets, accepts USER and PASS, then sends the case's bytes whatever the client asks. */
    private static void serve() {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept()) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write("+OK fuzz\r\n".getBytes(StandardCharsets.US_ASCII));
                readLine(in);
                out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                readLine(in);
                out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                readLine(in);
                out.write(nextReply);
                out.flush();
                if (!closeAfter) {
                    // stay silent until the client gives up or is done
                    while (in.read() >= 0) {
                        // discard
                    }
                }
            } catch (IOException e) {
                // the client hung up
            }
        }
    }

    private static void readLine(InputStream in) throws IOException {
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            // discard
        }
    }

    private static byte[] input(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = random.nextInt(60);
        for (int i = 0; i < parts; i++) {
            if (random.nextInt(3) == 0) {
                byte[] noise = new byte[random.nextInt(random.nextInt(10) == 0 ? 3000 : 20)];
                random.nextBytes(noise);
                out.writeBytes(noise);
            } else {
                out.writeBytes(TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    private static String describe(long seed, int iteration, byte[] input) {
        String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 200));
        return "seed " + seed + ", case " + iteration + ", input (" + input.length + " octets) " + hex;
    }

    /** Engine failures and the socket's are expected; anything else is a bug. */
    private static void checkEscaped(Throwable t, String context) {
        if (t instanceof Pop3Exception || t instanceof java.net.SocketTimeoutException || t instanceof SocketException) {
            return;
        }
        fail("unexpected " + t + " for " + context, t);
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long deadline(int share) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS) / 3 * share;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void replyParserAndDotTerminatedReader() throws Exception {
        Random random = new Random(SEED);
        long end = deadline(1);
        int iterations = 0;
        while (System.nanoTime() < end || iterations < 100) {
            byte[] input = input(random);
            String context = describe(SEED, iterations, input);
            long before = allocated();
            try {
                Pop3Reply.parse(input);
            } catch (Throwable t) {
                checkEscaped(t, context);
            }
            int chunk = 1 + random.nextInt(8);
            DotTerminatedInputStream data = new DotTerminatedInputStream(
                    new Pop3Input(ChunkedInputStream.ofChunks(input, chunk), null, 0), input.length, Long.MAX_VALUE);
            long delivered = 0;
            try {
                byte[] buffer = new byte[1 + random.nextInt(100)];
                for (int n = data.read(buffer); n >= 0; n = data.read(buffer)) {
                    delivered += n;
                }
            } catch (Throwable t) {
                checkEscaped(t, context);
            }
            assertTrue(delivered <= input.length, "more octets out than in: " + context);
            long used = allocated() - before;
            assertTrue(used < MAX_ALLOCATED_PER_CASE, used + " octets allocated for " + context);
            iterations++;
        }
        System.out.println("EngineFuzzTest: reply parser and data reader, " + iterations + " cases");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void listingsAndMessageDataThroughASession() throws Exception {
        Random random = new Random(SEED + 1);
        long end = deadline(2);
        int iterations = 0;
        long slowest = 0;
        Pop3ClientOptions options = Pop3ClientOptions.builder("127.0.0.1").port(listener.getLocalPort())
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(READ_TIMEOUT).build();
        while (System.nanoTime() < end || iterations < 20) {
            byte[] input = input(random);
            int command = random.nextInt(5);
            boolean hasStatus = random.nextBoolean();
            nextReply = hasStatus ? concat("+OK\r\n", input) : input;
            closeAfter = random.nextInt(4) != 0;
            String context = describe(SEED + 1, iterations, input) + ", command " + command;
            long start = System.nanoTime();
            try (Pop3Client client = Pop3Client.connect(options)) {
                client.login("alice", "secret");
                switch (command) {
                    case 0 -> client.list();
                    case 1 -> client.uidl();
                    case 2 -> client.capabilities();
                    case 3 -> {
                        try (InputStream in = client.retr(1, random.nextInt(200))) {
                            in.transferTo(OutputStream.nullOutputStream());
                        }
                    }
                    default -> client.stat();
                }
            } catch (Throwable t) {
                checkEscaped(t, context);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            slowest = Math.max(slowest, millis);
            // greeting, USER, PASS, the status line and the data: each bounded by readTimeout (the data by
            // readTimeout + its few KiB at minDataRate, well under a second)
            assertTrue(millis < 5 * READ_TIMEOUT.toMillis() + 1000 + SLACK_MILLIS, millis + " ms for " + context);
            iterations++;
        }
        System.out.println("EngineFuzzTest: sessions, " + iterations + " cases, slowest " + slowest + " ms");
    }

    private static byte[] concat(String head, byte[] tail) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + tail.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(tail, 0, all, h.length, tail.length);
        return all;
    }

    @Test
    void theGeneratorReachesEveryState() throws Exception {
        // the fuzz inputs must hit terminators and stuffed lines, not only noise
        Random random = new Random(SEED + 2);
        int terminated = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] input = input(random);
            DotTerminatedInputStream data = new DotTerminatedInputStream(new Pop3Input(new ByteArrayInputStream(input), null, 0));
            try {
                data.readAllBytes();
                terminated += data.isDone() ? 1 : 0;
            } catch (Pop3ProtocolException e) {
                // no terminator
            }
        }
        assertTrue(terminated > 50 && terminated < 950, terminated + " of 1000 inputs were terminated data");
    }
}
