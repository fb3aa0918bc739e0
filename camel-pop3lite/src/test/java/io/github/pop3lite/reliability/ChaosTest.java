package io.github.pop3lite.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pop3lite.component.PollRecorder;
import io.github.pop3lite.reliability.FaultProxy.Fault;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything at once, from seeded Randoms: most connections are cut at a step and octet drawn at
 * random (the greeting, the login, inside a listing, inside or after any RETR, after or instead of any
 * DELE, QUIT lost either way), the route fails on 10% of its attempts, new messages arrive in waves
 * while the consumer runs, and the CamelContext is replaced by a new one (same repository file) every
 * few polls, often in the middle of a poll. Once the faults stop, every message has been delivered
 * exactly once, byte for byte, and the maildrop is empty.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ChaosTest {

    private static final int MESSAGES = 300;
    private static final int WAVE = 15;
    /** Connections after this one are left alone, so that the run ends. */
    private static final int FAULTY_UNTIL = 60;
    private static final int POLLS_BETWEEN_RESTARTS = 6;
    private static final int MAX_RESTARTS = 6;
    private static final String RESULTS = "chaos";

    @TempDir
    Path temp;

    private MaildropServer server;
    private FaultProxy proxy;
    private CamelContext context;

    @BeforeAll
    static void freshResults() {
        Reliability.reset(RESULTS);
    }

    @AfterEach
    void stop() throws Exception {
        Reliability.stop(context, proxy, server);
    }

    /**
     * {@code pipelining}: whether the server announces PIPELINING; {@code mode}: the consumer's pipelining option
     * (auto probes a server that does not announce it, and then pipelines too).
     */
    @ParameterizedTest(name = "server pipelining {0}, consumer pipelining={1}")
    @CsvSource({ "true, auto", "false, announced", "false, auto" })
    void everyMessageIsDeliveredOnceThroughCutsFailuresAndRestarts(boolean pipelining, String mode) throws Exception {
        server = MaildropServer.start(pipelining);
        List<String> uids = new ArrayList<>();
        Ledger ledger = new Ledger();
        proxy = FaultProxy.start(server.port());
        Random faults = new Random(7 + (pipelining ? 1 : 0));
        // called on the proxy's accepting thread, one connection after the other
        proxy.plan(n -> n > FAULTY_UNTIL || faults.nextInt(10) >= 8 ? null : randomFault(faults));
        Random failures = new Random(11);
        AtomicInteger injected = new AtomicInteger();
        PollRecorder polls = new PollRecorder();
        Path store = temp.resolve("pop3-seen.dat");
        String uri = Reliability.uri(proxy.port(), 20, "idempotentRepository=#seen", "pollStrategy=#polls",
                "exceptionHandler=#quiet", "pipelining=" + mode);
        RouteBuilder routes = new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from(uri).routeId("pop3")
                        .process(exchange -> {
                            if (failures.nextInt(10) == 0) {
                                injected.incrementAndGet();
                                throw new IllegalStateException("injected failure");
                            }
                        })
                        .process(ledger);
            }
        };
        long started = System.nanoTime();
        int restarts = 0;
        context = start(routes, store, polls);
        int pollsAtRestart = 0;
        // a wave of messages every two polls, so that most sessions have work to be cut in
        while (uids.size() < MESSAGES) {
            for (int i = 0; i < WAVE; i++) {
                uids.add(server.add(Reliability.message(uids.size() + 1, 500 + (uids.size() * 37) % 3500)));
            }
            ledger.expect(server.contents());
            int next = polls.count() + 2;
            await("poll " + next).atMost(Duration.ofSeconds(30)).until(() -> polls.count() >= next);
            if (restarts < MAX_RESTARTS && polls.count() - pollsAtRestart >= POLLS_BETWEEN_RESTARTS) {
                // stopped wherever the consumer is, often in the middle of a poll
                context.stop();
                context = start(routes, store, polls);
                restarts++;
                pollsAtRestart = polls.count();
            }
        }
        await("maildrop drained").atMost(Duration.ofSeconds(60))
                .until(() -> server.size() == 0 && ledger.distinct() == MESSAGES && !server.isLocked());
        context.stop();
        long millis = (System.nanoTime() - started) / 1_000_000;

        long failedPolls = polls.polls().stream().filter(PollRecorder.Poll::failed).count();
        Reliability.record(RESULTS, String.join("\t", "pipelining=" + pipelining, "mode=" + mode, "messages=" + MESSAGES,
                "delivered=" + ledger.distinct(), "lost=" + ledger.missing(uids).size(),
                "duplicates=" + ledger.duplicates().size(), "corrupt=" + ledger.corrupt().size(),
                "connections=" + proxy.connections(), "cuts=" + proxy.cuts().size(),
                "route failures=" + injected.get(), "restarts=" + restarts,
                "polls=" + polls.count() + " (" + failedPolls + " failed)", "sessions ended without QUIT="
                        + server.sessionsEndedWithoutQuit(), "ms=" + millis));

        assertEquals(List.of(), ledger.missing(uids), "lost");
        assertEquals(Map.of(), ledger.duplicates(), "delivered more than once");
        assertEquals(List.of(), ledger.corrupt(), "delivered with a body other than the server's");
        assertEquals(MESSAGES, ledger.total());
        assertTrue(proxy.cuts().size() >= 20, "the proxy cut: " + proxy.cuts());
        assertTrue(injected.get() >= 5, "the route failed: " + injected.get());
        assertTrue(restarts >= 1, "the context was replaced");
        if (!pipelining && mode.equals("announced")) {
            assertEquals(0, server.commandsSentAhead());
        }
    }

    private CamelContext start(RouteBuilder routes, Path store, PollRecorder polls) throws Exception {
        // a new repository on the same file, as after a restart of the JVM
        return Reliability.startContext(Map.of(
                "seen", FileIdempotentRepository.fileIdempotentRepository(store.toFile(), 1000),
                "polls", polls,
                "quiet", new QuietExceptionHandler()), routes);
    }

    static Fault randomFault(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> Fault.afterGreeting();
            case 1 -> Fault.afterReply("PASS", 1);
            case 2 -> Fault.inReply("LIST", 1, 1 + random.nextInt(300));
            case 3 -> Fault.inReply("CAPA", 1, 1 + random.nextInt(40));
            case 4 -> Fault.inReply("UIDL", 1, 1 + random.nextInt(300));
            case 5 -> Fault.inReply("RETR", 1 + random.nextInt(20), 1 + random.nextInt(3000));
            case 6 -> Fault.afterReply("RETR", 1 + random.nextInt(20));
            case 7 -> Fault.atCommand("DELE", 1 + random.nextInt(20));
            case 8 -> Fault.afterReply("DELE", 1 + random.nextInt(20));
            case 9 -> Fault.replyDropped("DELE", 1 + random.nextInt(20));
            case 10 -> Fault.atCommand("QUIT", 1);
            default -> Fault.replyDropped("QUIT", 1);
        };
    }

    /** Takes the failed messages and polls, which the test expects by the dozen, without logging them. */
    static final class QuietExceptionHandler implements org.apache.camel.spi.ExceptionHandler {
        @Override
        public void handleException(Throwable exception) {
        }

        @Override
        public void handleException(String message, Throwable exception) {
        }

        @Override
        public void handleException(String message, org.apache.camel.Exchange exchange, Throwable exception) {
        }
    }
}
