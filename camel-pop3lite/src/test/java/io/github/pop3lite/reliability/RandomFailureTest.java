package io.github.pop3lite.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pop3lite.component.PollRecorder;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route that fails at random on 30% of its attempts (a seeded Random, so each run makes the same
 * choices), over 1,000 messages: a failed message stays on the server and comes back at the next poll,
 * so every message ends delivered successfully exactly once, none is lost, and the maildrop ends empty.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RandomFailureTest {

    private static final int MESSAGES = 1000;
    private static final double FAILURE_RATE = 0.3;
    private static final long SEED = 20240601L;
    private static final String RESULTS = "random-failures";

    private MaildropServer server;
    private CamelContext context;

    @BeforeAll
    static void freshResults() {
        Reliability.reset(RESULTS);
    }

    @AfterEach
    void stop() throws Exception {
        Reliability.stop(context, server);
    }

    /**
     * {@code pipelining}: whether the server announces PIPELINING; {@code mode}: the consumer's pipelining option
     * (auto probes a server that does not announce it, and then pipelines too).
     */
    @ParameterizedTest(name = "server pipelining {0}, consumer pipelining={1}")
    @CsvSource({ "true, auto", "false, announced", "false, auto" })
    void everyMessageEndsDeliveredOnceWhenTheRouteFailsAtRandom(boolean pipelining, String mode) throws Exception {
        server = MaildropServer.start(pipelining);
        for (int i = 1; i <= MESSAGES; i++) {
            server.add(Reliability.message(i, 300 + i % 700));
        }
        List<String> uids = server.uids();
        Ledger ledger = new Ledger();
        ledger.expect(server.contents());
        Random random = new Random(SEED);
        AtomicInteger injected = new AtomicInteger();
        AtomicInteger reported = new AtomicInteger();
        AtomicInteger otherProblems = new AtomicInteger();
        // the consumer's exception handler: each failed message is reported here, once per failed attempt
        ExceptionHandler failures = new ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                handleException(null, null, exception);
            }

            @Override
            public void handleException(String message, Throwable exception) {
                handleException(message, null, exception);
            }

            @Override
            public void handleException(String message, Exchange exchange, Throwable exception) {
                if (exchange != null && exception instanceof InjectedFailure) {
                    reported.incrementAndGet();
                } else {
                    otherProblems.incrementAndGet();
                }
            }
        };
        PollRecorder polls = new PollRecorder();
        String uri = Reliability.uri(server.port(), 50, "pollStrategy=#polls", "exceptionHandler=#failures",
                "pipelining=" + mode);
        long started = System.nanoTime();
        context = Reliability.startContext(Map.of("polls", polls, "failures", failures), new RouteBuilder() {
            @Override
            public void configure() {
                // the consumer's exception handler counts the failures; the route's own would log 400 stack traces
                errorHandler(noErrorHandler());
                from(uri).routeId("pop3")
                        .process(exchange -> {
                            // one consumer thread: the seeded sequence is the same at every run
                            if (random.nextDouble() < FAILURE_RATE) {
                                injected.incrementAndGet();
                                throw new InjectedFailure();
                            }
                        })
                        .process(ledger);
            }
        });
        await("maildrop drained").atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofMillis(50))
                .until(() -> server.size() == 0 && ledger.distinct() == MESSAGES && !server.isLocked());
        long millis = (System.nanoTime() - started) / 1_000_000;
        context.stop();

        int attempts = injected.get() + ledger.total();
        List<Integer> routedPerPoll = polls.routedCounts();
        Reliability.record(RESULTS, String.join("\t", "pipelining=" + pipelining, "mode=" + mode, "messages=" + MESSAGES,
                "attempts=" + attempts, "injected failures=" + injected.get(),
                String.format("failure rate=%.3f", injected.get() / (double) attempts),
                "delivered=" + ledger.distinct(), "duplicates=" + ledger.duplicates().size(),
                "lost=" + ledger.missing(uids).size(), "polls=" + polls.count(),
                "routed per poll=" + routedPerPoll.stream().filter(n -> n != 0).toList(), "ms=" + millis));

        assertEquals(List.of(), ledger.missing(uids), "lost");
        assertEquals(Map.of(), ledger.duplicates(), "delivered more than once");
        assertEquals(List.of(), ledger.corrupt());
        assertEquals(MESSAGES, ledger.total());
        assertEquals(0, server.size());
        assertEquals(injected.get(), reported.get(), "each failed attempt went to the consumer's exception handler");
        assertEquals(0, otherProblems.get(), "no poll failed");
        double rate = injected.get() / (double) attempts;
        assertTrue(rate > 0.25 && rate < 0.35, "about 30% of the attempts failed: " + rate);
        assertTrue(polls.polls().stream().noneMatch(PollRecorder.Poll::failed));
        if (!pipelining && mode.equals("announced")) {
            assertEquals(0, server.commandsSentAhead());
        } else if (!pipelining) {
            assertTrue(server.commandsSentAhead() > 0, "the consumer pipelined after the probe");
        }
    }

    /** The failure the route throws on purpose. */
    static final class InjectedFailure extends RuntimeException {
        InjectedFailure() {
            super("injected failure", null, false, false);
        }
    }
}
