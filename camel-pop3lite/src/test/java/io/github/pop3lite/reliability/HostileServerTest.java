package io.github.pop3lite.reliability;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.pop3lite.client.SmallHeap;
import io.github.pop3lite.component.Leftovers;
import io.github.pop3lite.component.LogCapture;
import io.github.pop3lite.component.PollRecorder;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers that misbehave on purpose. For each: the poll fails within its bound with one clear WARN line
 * (no stack trace), memory stays bounded (the small-heap run gives this class 64 MB), the consumer keeps
 * polling, and once the same host and port serve a proper maildrop, the next poll succeeds and delivers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileServerTest {

    private static final int READ_TIMEOUT_MS = 1000;
    private static final long MAX_MESSAGE_SIZE = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String RESULTS = "hostile-servers";

    /** What the server does wrong, and what the failed poll must say. */
    enum Scenario {
        ENDLESS_STATUS_LINE("a greeting that never ends: megabytes without CRLF",
                "sent a line longer than 1024 octets"),
        ENDLESS_MESSAGE("RETR data that never ends (LIST said 1000000 octets), maxMessageSize 1 MiB",
                "grew past maxMessageSize (1048576 octets) although the server announced 1000000"),
        ENDLESS_SMALL_MESSAGE("RETR data that never ends (LIST said 2048 octets), no maxMessageSize reached",
                "sent more than 6348 octets of a message it announced as 2048 octets in LIST"),
        DRIP_GREETING("the greeting at four octets per second",
                "sent no complete line within " + READ_TIMEOUT_MS + " ms (readTimeout)"),
        DRIP_MESSAGE("RETR data at four octets per second after a first line",
                "sent message data too slowly"),
        GARBAGE_STATUS("an HTTP answer to USER",
                "sent a reply that is neither +OK nor -ERR: 'HTTP/1.1 400 Bad Request'"),
        BINARY_NOISE("random octets instead of a greeting",
                "sent a reply that is neither +OK nor -ERR"),
        MALFORMED_LIST("a LIST entry that is not two numbers",
                "sent a LIST reply with 'one' where a number was expected"),
        HUGE_LIST("a LIST of 3,000,000 entries, made up as it is sent",
                "sent a listing of more than 1000000 lines or 67108864 octets"),
        HUGE_CAPA("a CAPA of 3,000,000 capabilities, made up as it is sent",
                "sent a CAPA reply of more than 1000 lines or 65536 octets"),
        /** The million unique ids kept before the cap take about 20 MB in the engine's compact listing. */
        HUGE_UIDL("a UIDL of 3,000,000 entries, made up as it is sent",
                "sent a listing of more than 1000000 lines or 67108864 octets");

        final String description;
        final String expected;

        Scenario(String description, String expected) {
            this.description = description;
            this.expected = expected;
        }
    }

    @TempDir
    Path temp;

    private HostileServer server;
    private MaildropServer maildrop;
    private CamelContext context;

    @BeforeAll
    static void freshResults() {
        Reliability.reset(RESULTS);
    }

    @AfterEach
    void stop() throws Exception {
        Reliability.stop(context, server, maildrop);
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void theConsumerSurvivesAndRecoversOnceTheServerBehaves(Scenario scenario) throws Exception {
        maildrop = MaildropServer.start(true);
        String good = maildrop.add(Reliability.message(1, 2000));
        Ledger ledger = new Ledger();
        ledger.expect(maildrop.contents());
        long heapBefore = SmallHeap.usedHeapAfterGc();
        server = HostileServer.start(socket -> hostile(scenario, socket));
        PollRecorder polls = new PollRecorder();
        Path spool = temp.resolve("spool");
        String uri = Reliability.uri(server.port(), 50, "readTimeout=" + READ_TIMEOUT_MS,
                "maxMessageSize=" + MAX_MESSAGE_SIZE, "pollStrategy=#polls");
        try (LogCapture log = new LogCapture()) {
            long started = System.nanoTime();
            context = Reliability.startContext(Map.of("polls", polls), new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).routeId("pop3").process(ledger);
                }
            }, spool);

            await(scenario + ": a failed poll").atMost(TIMEOUT).until(() -> polls.count() > 0);
            long failedAfterMs = (System.nanoTime() - started) / 1_000_000;
            PollRecorder.Poll first = polls.get(0);
            assertTrue(first.failed(), scenario + ": the poll failed");
            String message = first.failure().getMessage();
            assertTrue(message.contains(scenario.expected), scenario + ": the failure says what happened: " + message);
            assertTrue(message.chars().noneMatch(Character::isISOControl),
                    scenario + ": no control character of the server's reaches the message: " + message);
            // the poll strategy hears of the failure before the consumer's exception handler logs it
            await(scenario + ": logged at WARN").atMost(TIMEOUT)
                    .until(() -> !log.at(Level.WARN, scenario.expected).isEmpty());
            List<LogEvent> warnings = log.at(Level.WARN, scenario.expected);
            assertNull(warnings.get(0).getThrown(), scenario + ": one line, without a stack trace");
            assertTrue(warnings.get(0).getMessage().getFormattedMessage().endsWith("Will try again at the next poll."));
            long octetsSent = server.takeOctetsSent();

            // the same endpoint: the server now serves a proper maildrop
            int pollsBefore = polls.count();
            server.behave(maildrop::serve);
            await(scenario + ": the good message delivered").atMost(TIMEOUT).until(() -> ledger.count(good) == 1);
            await(scenario + ": a successful poll").atMost(TIMEOUT)
                    .until(() -> polls.polls().stream().skip(pollsBefore).anyMatch(p -> !p.failed()));
            await(scenario + ": the maildrop drained").atMost(TIMEOUT).until(() -> maildrop.size() == 0);
            // the hostile polls are over: what they allocated must be collectable
            long heapAfterHostile = SmallHeap.usedHeapAfterGc();
            await(scenario + ": recovery logged").atMost(TIMEOUT)
                    .until(() -> !log.at(Level.INFO, "polling works again").isEmpty());
            assertEquals(List.of(), log.at(Level.ERROR, ""), scenario + ": nothing at ERROR");
            assertEquals(1, ledger.total(), scenario + ": only the good message, once");
            assertEquals(List.of(), ledger.corrupt());
            assertEquals(List.of(), Leftovers.files(spool), scenario + ": no spool file left behind");
            if (scenario == Scenario.ENDLESS_MESSAGE) {
                assertTrue(Files.isDirectory(spool), "the endless message went to a spool file until the limit");
            }

            long failedPolls = polls.polls().stream().filter(PollRecorder.Poll::failed).count();
            Reliability.record(RESULTS, String.join("\t", scenario.name(), scenario.description,
                    "first failure after " + failedAfterMs + " ms", "failed polls " + failedPolls,
                    "server wrote " + octetsSent + " octets",
                    "heap after GC before / after recovery " + (heapBefore >> 20) + "/" + (heapAfterHostile >> 20) + " MB",
                    "max heap " + Reliability.maxHeapMb() + " MB", "message: " + message));
            assertTrue(heapAfterHostile - heapBefore < 16L * 1024 * 1024,
                    scenario + ": nothing of the hostile sessions stays on the heap: " + (heapBefore >> 20) + " MB before, "
                    + (heapAfterHostile >> 20) + " MB after");
            if (scenario == Scenario.DRIP_GREETING || scenario == Scenario.DRIP_MESSAGE) {
                assertTrue(failedAfterMs < READ_TIMEOUT_MS + 3000, scenario + ": the readTimeout fired in time, after "
                                                                  + failedAfterMs + " ms");
            }
        }
    }

    private void hostile(Scenario scenario, Socket socket) throws Exception {
        HostileServer.Dialogue dialogue = server.new Dialogue(socket);
        OutputStream out = dialogue.out();
        switch (scenario) {
            case ENDLESS_STATUS_LINE -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'x');
                dialogue.send("+OK ");
                while (true) {
                    out.write(chunk);
                    out.flush();
                }
            }
            case ENDLESS_MESSAGE, ENDLESS_SMALL_MESSAGE -> dialogue.serve((command, d) -> {
                String size = scenario == Scenario.ENDLESS_MESSAGE ? "1000000" : "2048";
                if (command.equals("LIST")) {
                    d.send("+OK\r\n1 " + size + "\r\n.\r\n");
                } else if (command.equals("UIDL")) {
                    d.send("+OK\r\n1 endless-1\r\n.\r\n");
                } else if (command.equals("RETR 1")) {
                    d.send("+OK " + size + " octets\r\nSubject: endless\r\n\r\n");
                    byte[] line = "this line is one of infinitely many\r\n".getBytes(StandardCharsets.ISO_8859_1);
                    while (true) {
                        out.write(line);
                    }
                } else {
                    d.send("-ERR unexpected\r\n");
                }
            });
            case DRIP_GREETING -> drip(out, "+OK hostile server ready\r\n");
            case DRIP_MESSAGE -> dialogue.serve((command, d) -> {
                if (command.equals("LIST")) {
                    d.send("+OK\r\n1 2048\r\n.\r\n");
                } else if (command.equals("UIDL")) {
                    d.send("+OK\r\n1 drip-1\r\n.\r\n");
                } else if (command.equals("RETR 1")) {
                    d.send("+OK 2048 octets\r\nSubject: drip\r\n");
                    drip(out, "From: a very slow server\r\n\r\nand its body\r\n.\r\n");
                } else {
                    d.send("-ERR unexpected\r\n");
                }
            });
            case GARBAGE_STATUS -> {
                dialogue.send("+OK ready\r\n");
                dialogue.readLine();
                dialogue.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                dialogue.readLine();
            }
            case BINARY_NOISE -> {
                byte[] noise = new byte[4096];
                new Random(20240601L).nextBytes(noise);
                noise[0] = (byte) 0x85;
                noise[1] = (byte) 0x9b;
                noise[2] = 0x1b;
                noise[200] = '\n';
                out.write(noise);
                out.flush();
                dialogue.readLine();
            }
            case MALFORMED_LIST -> dialogue.serve((command, d) -> d.send(command.equals("LIST")
                    ? "+OK\r\none two\r\n.\r\n" : "-ERR unexpected\r\n"));
            case HUGE_LIST -> dialogue.serve((command, d) -> {
                if (!command.equals("LIST")) {
                    d.send("-ERR unexpected\r\n");
                    return;
                }
                d.send("+OK 3000000 messages\r\n");
                StringBuilder lines = new StringBuilder(64 * 1024);
                for (int n = 1; n <= 3_000_000; n++) {
                    lines.append(n).append(' ').append(1000 + n % 5000).append("\r\n");
                    if (lines.length() > 60_000) {
                        out.write(lines.toString().getBytes(StandardCharsets.ISO_8859_1));
                        lines.setLength(0);
                    }
                }
                out.write(lines.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            });
            case HUGE_CAPA -> {
                dialogue.send("+OK hostile server ready\r\n");
                for (String line = dialogue.readLine(); line != null; line = dialogue.readLine()) {
                    if (!line.equals("CAPA")) {
                        dialogue.send(line.equals("LIST") ? "+OK\r\n1 2048\r\n.\r\n" : "+OK\r\n");
                        continue;
                    }
                    dialogue.send("+OK\r\nUSER\r\nUIDL\r\n");
                    StringBuilder lines = new StringBuilder(64 * 1024);
                    for (int n = 1; n <= 3_000_000; n++) {
                        lines.append("X-CAPABILITY-").append(n).append(" with an argument\r\n");
                        if (lines.length() > 60_000) {
                            out.write(lines.toString().getBytes(StandardCharsets.ISO_8859_1));
                            lines.setLength(0);
                        }
                    }
                    out.write(lines.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
            case HUGE_UIDL -> dialogue.serve((command, d) -> {
                if (command.equals("LIST")) {
                    d.send("+OK\r\n1 2048\r\n.\r\n");
                    return;
                }
                if (!command.equals("UIDL")) {
                    d.send("-ERR unexpected\r\n");
                    return;
                }
                d.send("+OK\r\n");
                StringBuilder lines = new StringBuilder(64 * 1024);
                for (int n = 1; n <= 3_000_000; n++) {
                    lines.append(n).append(" uid-").append(n).append("\r\n");
                    if (lines.length() > 60_000) {
                        out.write(lines.toString().getBytes(StandardCharsets.ISO_8859_1));
                        lines.setLength(0);
                    }
                }
                out.write(lines.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            });
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    /** Sends one octet per second: the pace of this hostile server, not a wait for a condition. */
    /**
     * Writes one octet every quarter of readTimeout: no gap between octets reaches readTimeout, so what must
     * stop the client is the deadline on the whole line or the minimum data rate, not the idle read timeout
     * (with gaps as long as readTimeout, a busy machine decided which of the two fired).
     */
    private static void drip(OutputStream out, String text) throws Exception {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            out.write(b);
            out.flush();
            Thread.sleep(READ_TIMEOUT_MS / 4);
        }
    }
}
