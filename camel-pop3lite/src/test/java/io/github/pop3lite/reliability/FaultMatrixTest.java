package io.github.pop3lite.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;
import io.github.pop3lite.component.Leftovers;
import io.github.pop3lite.component.PollRecorder;
import io.github.pop3lite.reliability.FaultProxy.Fault;
import org.apache.camel.CamelContext;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault matrix: a batch of messages drained by a consumer with a persistent (file) idempotent
 * repository, through a proxy that cuts the first two connections at one protocol step. Whatever the
 * step, with PIPELINING announced or not, and whether the consumer runs on or its CamelContext is
 * replaced by a new one (same repository file) between the cuts and the recovery: every message is
 * delivered exactly once, byte for byte, and the maildrop ends empty.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultMatrixTest {

    static final int MESSAGES = 20;
    /** The cut connections: two in a row, so that a session that cleans up after a cut is cut too. */
    static final int FAULTY_CONNECTIONS = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String RESULTS = "fault-matrix";

    /** The protocol steps the proxy cuts at, as the consumer goes through them. */
    enum CutPoint {
        GREETING(Fault.afterGreeting()),
        LOGIN(Fault.afterReply("PASS", 1)),
        LIST(Fault.inReply("LIST", 1, 40)),
        CAPA(Fault.inReply("CAPA", 1, 40)),
        UIDL(Fault.inReply("UIDL", 1, 40)),
        RETR(Fault.inReply("RETR", 8, 1000)),
        AFTER_DELE(Fault.afterReply("DELE", 5)),
        QUIT_LOST(Fault.atCommand("QUIT", 1)),
        QUIT_REPLY_LOST(Fault.replyDropped("QUIT", 1));

        final Fault fault;

        CutPoint(Fault fault) {
            this.fault = fault;
        }
    }

    @TempDir
    Path temp;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void freshResults() {
        Reliability.reset(RESULTS);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cells = new ArrayList<>();
        for (CutPoint cut : CutPoint.values()) {
            for (boolean pipelining : new boolean[] { true, false }) {
                for (boolean restart : new boolean[] { false, true }) {
                    cells.add(Arguments.of(cut, pipelining, restart));
                }
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "cut {0}, pipelining {1}, restart {2}")
    @MethodSource("matrix")
    void everyMessageIsDeliveredOnceWhateverTheCut(CutPoint cut, boolean pipelining, boolean restart)
            throws Exception {
        MaildropServer server = MaildropServer.start(pipelining);
        closeables.add(server);
        for (int i = 1; i <= MESSAGES; i++) {
            server.add(Reliability.message(i, 1500 + 100 * i));
        }
        List<String> uids = server.uids();
        Ledger ledger = new Ledger();
        ledger.expect(server.contents());
        FaultProxy proxy = FaultProxy.start(server.port());
        closeables.add(proxy);
        proxy.inject(cut.fault, n -> n <= FAULTY_CONNECTIONS);
        Path store = temp.resolve("pop3-seen.dat");
        PollRecorder polls = new PollRecorder();
        long started = System.nanoTime();

        // with restart, the first context polls exactly as often as connections are cut, then makes way
        // without PIPELINING announced, the consumer goes one command at a time (pipelining=announced), as the
        // assertion at the end checks; ChaosTest covers the probe of pipelining=auto against such a server
        String uri = Reliability.uri(proxy.port(), 50, "idempotentRepository=#seen", "pollStrategy=#polls",
                "pipelining=" + (pipelining ? "auto" : "announced"));
        CamelContext first = consumer(restart ? uri + "&repeatCount=" + FAULTY_CONNECTIONS : uri, store, ledger, polls);
        int pollsOfFirst = 0;
        if (restart) {
            await("the first context's polls").atMost(TIMEOUT).until(() -> polls.count() >= FAULTY_CONNECTIONS);
            first.stop();
            pollsOfFirst = polls.count();
            first = consumer(uri, store, ledger, polls);
        }
        CamelContext last = first;
        // drained, and a poll succeeded after the cuts (a lost QUIT reply can leave nothing to drain)
        await("maildrop drained and polling recovered").atMost(TIMEOUT)
                .until(() -> server.size() == 0 && ledger.distinct() == MESSAGES && !server.isLocked()
                             && proxy.cuts().size() >= FAULTY_CONNECTIONS && polls.count() > 0
                             && !polls.get(polls.count() - 1).failed());
        last.stop();
        long millis = (System.nanoTime() - started) / 1_000_000;

        String cell = cut + " pipelining=" + pipelining + " restart=" + restart;
        List<String> missing = ledger.missing(uids);
        Map<String, Integer> duplicates = ledger.duplicates();
        long failedPolls = polls.polls().stream().filter(PollRecorder.Poll::failed).count();
        Reliability.record(RESULTS, String.join("\t", cut.name(), "pipelining=" + pipelining, "restart=" + restart,
                "delivered=" + ledger.distinct(), "lost=" + missing.size(), "duplicates=" + duplicates.size(),
                "corrupt=" + ledger.corrupt().size(), "cuts=" + proxy.cuts().size(),
                "polls=" + polls.count() + " (" + failedPolls + " failed" + (restart ? ", " + pollsOfFirst
                        + " before the restart" : "") + ")",
                "sessions=" + server.sessions(), "commits=" + server.commits(), "ms=" + millis));

        assertEquals(List.of(), missing, cell + ": lost");
        assertEquals(Map.of(), duplicates, cell + ": delivered more than once");
        assertEquals(List.of(), ledger.corrupt(), cell + ": delivered with a body other than the server's");
        assertEquals(MESSAGES, ledger.total(), cell);
        assertEquals(FAULTY_CONNECTIONS, proxy.cuts().size(), cell + ": each faulty connection was cut once: "
                                                             + proxy.cuts());
        assertTrue(failedPolls >= 1, cell + ": the cuts failed polls");
        assertFalse(polls.get(polls.count() - 1).failed(), cell + ": the last poll succeeded");
        if (!pipelining) {
            assertEquals(0, server.commandsSentAhead(), cell + ": no command may go out before the previous"
                                                         + " reply when the server does not pipeline");
        }
    }

    /**
     * STAT: the consumer never sends it (LIST tells it all), so the engine stands in: DELE two messages,
     * then the proxy cuts at STAT, before QUIT. Nothing is deleted, and the consumer then drains the
     * maildrop once.
     */
    @Test
    void aSessionCutAtStatDeletesNothing() throws Exception {
        MaildropServer server = MaildropServer.start(true);
        closeables.add(server);
        for (int i = 1; i <= 5; i++) {
            server.add(Reliability.message(i, 800));
        }
        FaultProxy proxy = FaultProxy.start(server.port());
        closeables.add(proxy);
        proxy.injectOnConnection(Fault.atCommand("STAT", 1), 1);
        try (Pop3Client client = Pop3Client.connect(Pop3ClientOptions.builder("127.0.0.1").port(proxy.port())
                .readTimeout(Duration.ofSeconds(5)).build())) {
            client.login(MaildropServer.USER, MaildropServer.PASSWORD);
            client.dele(1);
            client.dele(2);
            IOException cut = assertThrows(IOException.class, client::stat);
            assertTrue(cut.getMessage().contains("closed the connection"), cut.getMessage());
        }
        assertEquals(List.of("connection 1: at STAT #1 (not forwarded)"), proxy.cuts());
        await("the cut session ended").atMost(TIMEOUT).until(() -> !server.isLocked());
        assertEquals(5, server.size(), "DELE without QUIT deletes nothing");

        Ledger ledger = new Ledger();
        ledger.expect(server.contents());
        List<String> uids = server.uids();
        CamelContext context = consumer(Reliability.uri(proxy.port(), 50, "idempotentRepository=#seen",
                "pollStrategy=#polls"), temp.resolve("seen.dat"), ledger, new PollRecorder());
        try {
            await("maildrop drained").atMost(TIMEOUT).until(() -> server.size() == 0 && ledger.distinct() == 5);
        } finally {
            context.stop();
        }
        assertEquals(List.of(), ledger.missing(uids));
        assertEquals(Map.of(), ledger.duplicates());
        Reliability.record(RESULTS, "STAT (engine session: DELE 1, DELE 2, cut at STAT)\tdelivered=5\tlost=0"
                                    + "\tduplicates=0\tmaildrop after the cut=5 of 5");
    }

    /**
     * Messages above the spool threshold go to a spool file while they download: a cut in the middle of one
     * (on two connections in a row) leaves no file behind, and each message still arrives once, whole.
     */
    @Test
    void aCutInTheMiddleOfASpooledDownloadLeavesNoSpoolFile() throws Exception {
        MaildropServer server = MaildropServer.start(true);
        closeables.add(server);
        for (int i = 1; i <= 4; i++) {
            server.add(Reliability.message(i, 300_000));
        }
        List<String> uids = server.uids();
        Ledger ledger = new Ledger();
        ledger.expect(server.contents());
        FaultProxy proxy = FaultProxy.start(server.port());
        closeables.add(proxy);
        proxy.inject(Fault.inReply("RETR", 2, 200_000), n -> n <= FAULTY_CONNECTIONS);
        Path spool = temp.resolve("spool");
        PollRecorder polls = new PollRecorder();
        Set<Boolean> inMemory = ConcurrentHashMap.newKeySet();
        String uri = Reliability.uri(proxy.port(), 50, "idempotentRepository=#seen", "pollStrategy=#polls");
        CamelContext context = Reliability.startContext(Map.of("polls", polls,
                "seen", FileIdempotentRepository.fileIdempotentRepository(temp.resolve("seen.dat").toFile(), 1000)),
                new RouteBuilder() {
                    @Override
                    public void configure() {
                        from(uri).routeId("pop3")
                                .process(e -> inMemory.add(e.getIn().getBody(StreamCache.class).inMemory()))
                                .process(ledger);
                    }
                }, spool);
        try {
            await("maildrop drained").atMost(TIMEOUT).until(() -> server.size() == 0 && ledger.distinct() == 4);
        } finally {
            context.stop();
        }
        assertEquals(FAULTY_CONNECTIONS, proxy.cuts().size(), proxy.cuts().toString());
        assertEquals(List.of(), ledger.missing(uids));
        assertEquals(Map.of(), ledger.duplicates());
        assertEquals(List.of(), ledger.corrupt());
        assertEquals(Set.of(false), inMemory, "the messages went through spool files");
        assertEquals(List.of(), Leftovers.files(spool), "spool files left behind");
        Reliability.record(RESULTS, "RETR of a spooled message (300 kB, cut after 200,000 octets)\tdelivered=4\tlost=0"
                                    + "\tduplicates=0\tspool files left=0");
    }

    private CamelContext consumer(String uri, Path store, Ledger ledger, PollRecorder polls) throws Exception {
        IdempotentRepository repository = FileIdempotentRepository.fileIdempotentRepository(store.toFile(), 1000);
        return Reliability.startContext(Map.of("seen", repository, "polls", polls), new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").process(ledger);
            }
        });
    }
}
