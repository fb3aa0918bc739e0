package io.github.pop3lite.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A quick check of the harness's parts; the benchmark itself is run by hand (docs/performance.md), never by the
 * build.
 */
@Timeout(30)
class HarnessPartsTest {

    @TempDir
    Path tmp;

    @Test
    void messagesHaveTheExactSizeCrlfLinesAndNoLeadingDots() throws IOException {
        for (long size : new long[] { 400, 479, 480, 481, 2048, 102_400 }) {
            Workload w = new Workload("t", 3, size, 0);
            MessageFiles files = MessageFiles.prepare(tmp.resolve("data"), w);
            assertEquals(3, files.files.size());
            long body = 0;
            for (Path f : files.files) {
                byte[] bytes = Files.readAllBytes(f);
                assertEquals(size, bytes.length, f.toString());
                assertTrue(f.getFileName().toString().endsWith(",S=" + size + ",W=" + size));
                String text = new String(bytes, StandardCharsets.US_ASCII);
                assertTrue(text.endsWith("\r\n"));
                assertFalse(text.replace("\r\n", "").contains("\n") || text.replace("\r\n", "").contains("\r"),
                        "bare CR or LF");
                for (String line : text.split("\r\n")) {
                    assertFalse(line.startsWith("."), "line starts with a dot");
                }
                body += bytes.length - (text.indexOf("\r\n\r\n") + 4);
            }
            assertEquals(body, files.bodyBytes);
            assertEquals(3 * size, files.totalBytes);
            // prepared again: the same files are reused, byte for byte
            byte[] first = Files.readAllBytes(files.files.get(0));
            MessageFiles again = MessageFiles.prepare(tmp.resolve("data"), w);
            assertArrayEquals(first, Files.readAllBytes(again.files.get(0)));
        }
    }

    @Test
    void proxyDelaysEachDirectionKeepsOrderAndDoesNotThrottle() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException e) {
                    // test over
                }
            });
            server.setDaemon(true);
            server.start();
            try (LatencyProxy proxy = new LatencyProxy(new InetSocketAddress("127.0.0.1", echo.getLocalPort()),
                    Duration.ofMillis(10));
                 Socket s = new Socket("127.0.0.1", proxy.port())) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                // one byte there and back: two delays
                long t0 = System.nanoTime();
                out.write(42);
                assertEquals(42, in.read());
                long rtt = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(rtt >= 20 && rtt < 500, "round trip " + rtt + " ms");
                // 16 MiB in small writes, read back in order, in far less than one delay per write
                byte[] chunk = new byte[4096];
                int chunks = 4096;
                Thread writer = new Thread(() -> {
                    try {
                        for (int i = 0; i < chunks; i++) {
                            java.util.Arrays.fill(chunk, (byte) i);
                            out.write(chunk);
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        // reported by the reader's assertion
                    }
                });
                long t1 = System.nanoTime();
                writer.start();
                byte[] all = in.readAllBytes();
                long ms = (System.nanoTime() - t1) / 1_000_000;
                assertEquals(chunks * chunk.length, all.length);
                for (int i = 0; i < chunks; i++) {
                    assertEquals((byte) i, all[i * chunk.length]);
                    assertEquals((byte) i, all[i * chunk.length + chunk.length - 1]);
                }
                assertTrue(ms < 10_000, "16 MiB took " + ms + " ms");
                assertEquals(1, proxy.connections());
            }
        }
    }

    @Test
    void rawClientPipelinesRetrAndDeleAndCountsUnstuffedOctets() throws Exception {
        // message 1: 2 lines; message 2 has a dot-stuffed line (". hi" is sent as ".. hi")
        List<String> messages = List.of("Subject: one\r\n\r\nhello\r\n", "Subject: two\r\n\r\n. hi\r\nbye\r\n");
        AtomicReference<String> failure = new AtomicReference<>();
        StringBuilder commands = new StringBuilder();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    out.write("+OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        commands.append(line).append('\n');
                        String reply;
                        if (line.startsWith("STAT")) {
                            reply = "+OK 2 60\r\n";
                        } else if (line.startsWith("RETR ")) {
                            String m = messages.get(Integer.parseInt(line.substring(5)) - 1);
                            reply = "+OK\r\n" + m.replace("\r\n.", "\r\n..") + ".\r\n";
                        } else if (line.equals("QUIT")) {
                            out.write("+OK bye\r\n".getBytes(StandardCharsets.US_ASCII));
                            return;
                        } else {
                            reply = "+OK\r\n";
                        }
                        out.write(reply.getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException | RuntimeException e) {
                    failure.set(e.toString());
                }
            });
            server.start();
            RawPop3Client.Result result = new RawPop3Client("127.0.0.1", listener.getLocalPort(), 8)
                    .drain("alice", "alicepw");
            server.join(5_000);
            assertNull(failure.get());
            assertEquals(2, result.messages());
            assertEquals(messages.get(0).length() + messages.get(1).length(), result.octets());
            assertEquals("USER alice\nPASS alicepw\nSTAT\nRETR 1\nDELE 1\nRETR 2\nDELE 2\nQUIT\n", commands.toString());
        }
    }

    @Test
    void syntheticServerServesTheFirstMessagesToRawAndTheEngineAndCommitsAtQuit() throws Exception {
        try (SyntheticPop3Server server = new SyntheticPop3Server(1_000, 2048)) {
            server.load(null);
            assertEquals(2048, server.message(1).length);
            String first = new String(server.message(1), StandardCharsets.US_ASCII);
            assertTrue(first.contains("Message-ID: <synthetic-0000001@pop3lite.example>"), first);
            assertTrue(first.endsWith("\r\n"));
            for (String line : first.split("\r\n")) {
                assertFalse(line.startsWith("."), "line starts with a dot");
            }

            RawPop3Client.Result raw = new RawPop3Client(server.host(), server.port(), 16, null, 30)
                    .drain(server.user(), server.password());
            assertEquals(30, raw.messages());
            assertEquals(30 * 2048L, raw.octets());
            assertEquals(970, server.count());

            RawPop3Client.Result engine = EngineDrain.drain(server.host(), server.port(), server.user(),
                    server.password(), 20);
            assertEquals(20, engine.messages());
            assertEquals(20 * 2048L, engine.octets());
            assertEquals(950, server.count());

            // the rest, numbered from 1 again after each QUIT, drains whole
            assertFalse(server.isEmpty());
            RawPop3Client.Result rest = new RawPop3Client(server.host(), server.port(), 64)
                    .drain(server.user(), server.password());
            assertEquals(950, rest.messages());
            assertTrue(server.isEmpty());
        }
    }

    @Test
    void optionsAndHelpers() {
        Options o = Options.parse(new String[] { "--workloads", "b,a", "--clients=raw,pop3lite", "--runs", "1",
                "--quick" });
        assertEquals(List.of("a", "b"), o.workloads);
        assertEquals(List.of("pop3lite", "raw"), o.clients);
        assertEquals(1, o.runs);
        assertTrue(o.quick);
        assertEquals(64L * 1024 * 1024, Benchmark.parseSize("64m"));
        assertEquals(2L * 1024 * 1024 * 1024, Benchmark.parseSize("2g"));
        assertEquals("0.0458", Benchmark.num(0.045766));
        assertEquals("1.10", Benchmark.num(1.0989));
        assertEquals("48.7", Benchmark.num(48.71));
        assertEquals("9,139", Benchmark.num(9139.4));
        assertEquals(3, Measurement.median(List.of(5L, 1L, 3L)));
        assertEquals(2, Measurement.median(List.of(1L, 3L)));
        assertEquals(2_000, Workload.all(false, 10).get(0).count());
        assertEquals(200L * 1024 * 1024, Workload.all(false, 10).get(2).totalBytes());
        assertEquals(Workload.KEYS, Workload.all(false, 10).stream().map(Workload::key).toList());
        Workload h = Workload.all(false, 10).get(7);
        assertEquals(1_000_000, h.count());
        assertEquals(10_000, h.take());
        assertTrue(h.partial());
        assertEquals(10_000 * 2048L, h.totalBytes());
        // only the first polls, no workload
        Options cold = Options.parse(new String[] { "--workloads", "", "--cold-runs", "3" });
        assertEquals(List.of(), cold.workloads);
        assertEquals(3, cold.coldRuns);
        assertEquals(List.of(), cold.jvmArgsPop3lite);
        Options recorded = Options.parse(new String[] { "--jvm-args-pop3lite",
                " -XX:StartFlightRecording=filename=/tmp/r/  -Xlog:gc " });
        assertEquals(List.of("-XX:StartFlightRecording=filename=/tmp/r/", "-Xlog:gc"), recorded.jvmArgsPop3lite);
    }

    @Test
    void theProxyTakesPipeliningOutOfAWholeCapaReplyOnly() {
        byte[] partial = "+OK\r\nTOP\r\nPIPELINING\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertNull(LatencyProxy.withoutPipelining(partial));
        byte[] whole = "+OK\r\nTOP\r\npipelining\r\nUIDL\r\n.\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("+OK\r\nTOP\r\nUIDL\r\n.\r\n",
                new String(LatencyProxy.withoutPipelining(whole), StandardCharsets.ISO_8859_1));
        byte[] refused = "-ERR no\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(refused, LatencyProxy.withoutPipelining(refused));
    }
}
