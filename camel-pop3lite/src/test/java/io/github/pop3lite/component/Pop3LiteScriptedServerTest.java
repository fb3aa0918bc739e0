package io.github.pop3lite.component;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.pop3lite.client.Pop3TemporaryFailureException;
import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import io.github.pop3lite.component.ScriptedSessions.Mail;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.pop3lite.component.ScriptedSessions.CAPA_BEFORE_LOGIN;
import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.deleOk;
import static io.github.pop3lite.component.ScriptedSessions.drained;
import static io.github.pop3lite.component.ScriptedSessions.listed;
import static io.github.pop3lite.component.ScriptedSessions.listedPipelining;
import static io.github.pop3lite.component.ScriptedSessions.loggedIn;
import static io.github.pop3lite.component.ScriptedSessions.quitOk;
import static io.github.pop3lite.component.ScriptedSessions.retr;
import static io.github.pop3lite.component.ScriptedSessions.retrievedAndDeleted;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer against the engine's scripted POP3 server: authentication, timeouts, STARTTLS, and the
 * faults GreenMail cannot produce (a lost QUIT, refused DELE and QUIT, busy maildrops, no UIDL). Each
 * script is the exact dialogue of one poll; {@code repeatCount} makes the consumer poll exactly as many
 * times as there are scripts.
 */
class Pop3LiteScriptedServerTest extends CamelTestSupport {

    private static final String TIMESTAMP = "<1896.697170952@dbc.mailcom.example>";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final PollRecorder polls = new PollRecorder();
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private ScriptedPop3Server serve(Script... scripts) throws IOException {
        ScriptedPop3Server server = ScriptedPop3Server.start(scripts);
        servers.add(server);
        return server;
    }

    private String uri(int port, int polls, String options) {
        return "pop3lite:127.0.0.1:" + port + "?username=" + USER + "&password=" + PASSWORD
               + "&initialDelay=0&delay=100&repeatCount=" + polls + "&pollStrategy=#polls&mailboxId=" + TestMailboxes.fresh(USER)
               + (options.contains("readTimeout=") ? "" : "&readTimeout=5000")
               // these dialogues are one command at a time; Pop3LitePipeliningProbeTest has those of pipelining=auto
               + (options.contains("pipelining=") ? "" : "&pipelining=announced")
               + (options.isEmpty() ? "" : "&" + options);
    }

    private void start(String uri) throws Exception {
        context.getRegistry().bind("polls", polls);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").convertBodyTo(String.class).to("mock:out");
            }
        });
    }

    /** Serves one scripted session to a consumer that polls once, and waits until both are done. */
    private ScriptedPop3Server pollOnce(Script script, String options) throws Exception {
        ScriptedPop3Server server = serve(script);
        start(uri(server.port(), 1, options));
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(1);
        return server;
    }

    private List<String> routedUids() {
        return getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getIn().getHeader(Pop3LiteConstants.UID, String.class)).toList();
    }

    private HealthCheck.State health() {
        return ConsumerHealth.state(context, "pop3");
    }

    private static String md5Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Script greetedWithTimestamp() {
        return ScriptedPop3Server.script().send("+OK POP3 server ready " + TIMESTAMP + "\r\n");
    }

    private static Script expectApop(Script script) throws Exception {
        String line = "APOP " + USER + " " + md5Hex(TIMESTAMP + PASSWORD);
        return script.expect(line);
    }

    // --- authentication ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = { "auto", "apop" })
    void apopSendsTheDigestOfTimestampAndPasswordWhenTheGreetingOffersIt(String authentication) throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Script greeted = greetedWithTimestamp();
        if (authentication.equals("auto")) {
            // no SASL offered: auto takes APOP on a connection without TLS
            greeted.expect("CAPA").send(CAPA_BEFORE_LOGIN);
        }
        Script script = expectApop(greeted).send("+OK maildrop ready\r\n");
        script = quitOk(deleOk(retr(listed(script, a), a), a));
        ScriptedPop3Server server = pollOnce(script, "authentication=" + authentication);
        assertEquals(List.of("uid-a"), routedUids());
        assertFalse(server.received().stream().anyMatch(line -> line.startsWith("PASS")), server.received().toString());
    }

    @Test
    void authenticationUserSendsUserAndPassEvenWhenApopIsOffered() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Script script = greetedWithTimestamp()
                .expect("USER " + USER).send("+OK\r\n")
                .expect("PASS " + PASSWORD).send("+OK\r\n");
        script = quitOk(deleOk(retr(listed(script, a), a), a));
        pollOnce(script, "authentication=user");
        assertEquals(List.of("uid-a"), routedUids());
    }

    @Test
    void apopFallbackTriesUserAndPassAfterARefusedApop() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Script script = expectApop(greetedWithTimestamp()).send("-ERR [AUTH] APOP is disabled for you\r\n")
                .expect("USER " + USER).send("+OK\r\n")
                .expect("PASS " + PASSWORD).send("+OK\r\n");
        script = quitOk(deleOk(retr(listed(script, a), a), a));
        pollOnce(script, "authentication=apop&apopFallback=true");
        assertEquals(List.of("uid-a"), routedUids());
    }

    @Test
    void withoutApopFallbackARefusedApopFailsThePollAndNoPasswordIsSent() throws Exception {
        Script script = expectApop(greetedWithTimestamp()).send("-ERR [AUTH] APOP is disabled for you\r\n")
                .expectClosed();
        ScriptedPop3Server server = pollOnce(script, "authentication=apop&apopFallback=false");
        assertTrue(polls.get(0).failed());
        String message = polls.get(0).failure().getMessage();
        assertTrue(message.contains("Login as 'alice' to POP3 server 127.0.0.1:" + server.port() + " refused"), message);
        assertEquals(List.of(), routedUids());
        assertEquals(HealthCheck.State.DOWN, health());
    }

    // --- timeouts ---------------------------------------------------------------------------------

    @Test
    void readTimeoutFailsThePollOfASilentServerInTime() throws Exception {
        ScriptedPop3Server server = serve(ScriptedPop3Server.script().stall());
        start(uri(server.port(), 1, "readTimeout=300"));

        polls.awaitPolls(1);
        PollRecorder.Poll poll = polls.get(0);
        assertTrue(poll.failed());
        assertTrue(poll.failure().getMessage().contains("within 300 ms (readTimeout)"), poll.failure().getMessage());
        assertTrue(poll.duration().toMillis() >= 290, poll.duration().toString());
        assertTrue(poll.duration().toMillis() < 3000, poll.duration().toString());
        server.awaitScriptDone(TIMEOUT);
        assertEquals(List.of(), routedUids());
    }

    @Test
    void connectTimeoutFailsThePollWhenTheServerDoesNotAcceptInTime() throws Exception {
        // a listening socket whose accept queue is full: the kernel drops further SYNs, so connect hangs
        ServerSocket full = new ServerSocket();
        servers.add(full);
        full.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1);
        boolean hangs = false;
        for (int i = 0; i < 10 && !hangs; i++) {
            Socket socket = new Socket();
            servers.add(socket);
            try {
                socket.connect(full.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException e) {
                hangs = true;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(hangs, "this system accepts connections beyond the backlog");

        start(uri(full.getLocalPort(), 1, "connectTimeout=250"));
        polls.awaitPolls(1);
        PollRecorder.Poll poll = polls.get(0);
        assertTrue(poll.failed());
        assertTrue(poll.failure().getMessage().contains("within connectTimeout 250 ms"), poll.failure().getMessage());
        assertTrue(poll.duration().toMillis() >= 240, poll.duration().toString());
        assertTrue(poll.duration().toMillis() < 3000, poll.duration().toString());
    }

    // --- security ---------------------------------------------------------------------------------

    @Test
    void starttlsUpgradesTheConnectionBeforeLogin() throws Exception {
        context.getRegistry().bind("tls", GreenMailCertificate.trustingParameters());
        Mail a = Mail.of(1, "uid-a");
        Script script = ScriptedPop3Server.script().send("+OK ready " + TIMESTAMP + "\r\n")
                .expect("CAPA").send("+OK\r\nSTLS\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("STLS").send("+OK begin TLS\r\n")
                .startTls(GreenMailCertificate.serverContext())
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                // encrypted: auto uses USER/PASS, not APOP
                .expect("USER " + USER).send("+OK\r\n")
                .expect("PASS " + PASSWORD).send("+OK\r\n");
        script = quitOk(deleOk(retr(listed(script, a), a), a));
        pollOnce(script, "security=starttls&sslContextParameters=#tls&hostnameVerification=false");
        assertEquals(List.of("uid-a"), routedUids());
        assertFalse(polls.get(0).failed(), String.valueOf(polls.get(0).failure()));
    }

    @Test
    void starttlsFailsThePollWhenTheServerDoesNotOfferStls() throws Exception {
        Script script = ScriptedPop3Server.script().send("+OK ready\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expectClosed();
        ScriptedPop3Server server = pollOnce(script, "security=starttls");
        assertTrue(polls.get(0).failed());
        assertTrue(polls.get(0).failure().getMessage().contains("does not offer STLS"), polls.get(0).failure().getMessage());
        assertFalse(server.received().stream().anyMatch(line -> line.startsWith("USER") || line.startsWith("PASS")));
    }

    // --- delivery faults --------------------------------------------------------------------------

    @Test
    void connectionLostAfterDeleBeforeQuitCausesNoDuplicateAndTheNextPollDeletes() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        Script first = retrievedAndDeleted(listed(loggedIn(), a, b), a, b);
        first.expect("QUIT").hangUp();
        // the server lost the deletions: both are listed again, and must be deleted, not routed, once their
        // downloads found them routed
        Script second = deleOk(retr(deleOk(retr(listed(loggedIn(), a, b), a), a), b), b);
        quitOk(second);
        ScriptedPop3Server server = serve(first, second);
        start(uri(server.port(), 2, ""));

        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertTrue(polls.get(0).failed(), "the lost QUIT is reported");
        assertEquals(0, polls.get(1).routed());
        assertFalse(polls.get(1).failed());
        assertEquals(HealthCheck.State.UP, health());
    }

    @ParameterizedTest(name = "same content: {0}")
    @ValueSource(booleans = { false, true })
    void aNewMessageUnderTheUidlAndSizeOfOneWhoseDeletionWasNotCommittedIsRoutedNotDeleted(boolean sameContent)
            throws Exception {
        Mail a = Mail.of(1, "uid-a");
        // another client deleted a, and the server gave its UIDL to a new message of the same size
        Mail reused = new Mail(1, "uid-a", a.text().replace("body of", "BODY OF"));
        Mail second = sameContent ? a : reused;
        assertEquals(a.size(), reused.size());
        Script first = deleOk(retr(listed(loggedIn(), a), a), a);
        first.expect("QUIT").hangUp();
        Script next = retr(listed(loggedIn(), second), second);
        quitOk(deleOk(next, second));
        ScriptedPop3Server server = serve(first, next);
        start(uri(server.port(), 2, ""));

        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        assertTrue(polls.get(0).failed(), "the lost QUIT is reported");
        assertFalse(polls.get(1).failed());
        List<String> bodies = getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(String.class)).toList();
        // the message routed is deleted without a second Exchange; the new one is routed before its deletion
        assertEquals(sameContent ? List.of(a.text()) : List.of(a.text(), reused.text()), bodies);
        assertEquals(sameContent ? 0 : 1, polls.get(1).routed());
    }

    /**
     * Two consumers without master: on one repository and one mailbox: the first lists m alone and keys it by its
     * UIDL and size; n arrives under m's UIDL and size; the second lists both and keys m by its content. Either way
     * round m is routed once: the one that lists both routes first and its deletion is not committed (or keep
     * mode), or the one that listed m alone claims it after the other's listing, before the other's download.
     */
    @ParameterizedTest(name = "delete={0}, the consumer that listed both routes first: {1}")
    @CsvSource({ "true, true", "false, true", "true, false", "false, false" })
    void twoConsumersRouteOnceAMessageThatANewOneCameToShareTheUidlAndSizeOfBetweenTheirListings(boolean delete,
                                                                                                boolean bothFirst)
            throws Exception {
        Mail m = Mail.of(1, "uid-a");
        Mail n = new Mail(2, "uid-a", m.text().replace("body of", "BODY OF"));
        assertEquals(m.size(), n.size());
        CountDownLatch bothListed = new CountDownLatch(1);
        CountDownLatch aloneRouting = new CountDownLatch(1);
        CountDownLatch bothDone = new CountDownLatch(1);

        Script alone = listed(loggedIn(), m);
        CountDownLatch before = bothFirst ? bothDone : bothListed;
        alone.step("wait for the other consumer", c -> assertTrue(before.await(10, TimeUnit.SECONDS)));
        retr(alone, m);
        if (delete) {
            // routed by the other (bothFirst) or by this one: deleted by this one
            deleOk(alone, m);
        }
        quitOk(alone);

        // its RETR 1 says that this consumer planned its poll
        Script both = listed(loggedIn(), m, n).expect("RETR 1").step("planned", c -> bothListed.countDown());
        if (!bothFirst) {
            // downloaded once the other consumer claimed it: left to that claim
            both.step("wait until the other consumer routes m", c -> assertTrue(aloneRouting.await(10, TimeUnit.SECONDS)));
        }
        retr(both.send("+OK " + m.size() + " octets\r\n" + m.text() + ".\r\n"), n);
        if (delete) {
            if (bothFirst) {
                deleOk(both, m);
            }
            deleOk(both, n);
        }
        if (delete && bothFirst) {
            // the deletions are not committed: m stays for the other consumer's download
            both.expect("QUIT").hangUp();
        } else {
            both.expect("QUIT").send("+OK bye\r\n");
        }
        both.step("the session ended", c -> bothDone.countDown());

        ScriptedPop3Server aloneServer = serve(alone);
        ScriptedPop3Server bothServer = serve(both);
        String mailbox = TestMailboxes.fresh(USER);
        context.getRegistry().bind("polls", polls);
        context.getRegistry().bind("shared", new InMemoryKeyListingRepository());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(sharing(aloneServer.port(), mailbox, delete)).routeId("alone")
                        .process(e -> {
                            if (!bothFirst) {
                                aloneRouting.countDown();
                                assertTrue(bothDone.await(10, TimeUnit.SECONDS));
                            }
                        })
                        .convertBodyTo(String.class).to("mock:out");
                from(sharing(bothServer.port(), mailbox, delete)).routeId("both").convertBodyTo(String.class).to("mock:out");
            }
        });

        aloneServer.awaitScriptDone(TIMEOUT);
        bothServer.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        List<String> bodies = getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(String.class)).sorted().toList();
        assertEquals(List.of(n.text(), m.text()), bodies, "m and n routed once each");
    }

    /** A consumer polling once that shares a repository and a mailboxId with another. */
    private static String sharing(int port, String mailbox, boolean delete) {
        return "pop3lite:127.0.0.1:" + port + "?username=" + USER + "&password=" + PASSWORD
               + "&initialDelay=0&repeatCount=1&pollStrategy=#polls&readTimeout=5000&pipelining=announced"
               + "&mailboxId=" + mailbox + "&idempotentRepository=#shared&delete=" + delete;
    }

    @Test
    void refusedDeleIsReportedAndTheMessageIsDeletedNotRoutedAtTheNextPoll() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        Script first = listed(loggedIn(), a, b);
        retr(retr(first, a), b).expect("DELE 1").send("-ERR message 1 is locked\r\n");
        deleOk(first, b);
        quitOk(first);
        CountDownLatch checked = new CountDownLatch(1);
        Script second = ScriptedPop3Server.script()
                .step("wait until the test has checked the health", c -> checked.await(10, TimeUnit.SECONDS));
        second.send("+OK ready\r\n").expect("CAPA").send(CAPA_BEFORE_LOGIN).expect("USER " + USER).send("+OK\r\n").expect("PASS " + PASSWORD).send("+OK\r\n");
        quitOk(deleOk(retr(listed(second, a), a), a));
        ScriptedPop3Server server = serve(first, second);
        start(uri(server.port(), 2, ""));

        polls.awaitPolls(1);
        assertTrue(polls.get(0).failed());
        assertTrue(polls.get(0).failure().getMessage().contains("DELE of message 1 refused: -ERR message 1 is locked"),
                polls.get(0).failure().getMessage());
        HealthCheck.Result down = ConsumerHealth.call(context, "pop3");
        assertEquals(HealthCheck.State.DOWN, down.getState());
        String error = down.getError().orElseThrow().getMessage();
        assertTrue(error.contains("DELE of message 1 refused"), error);
        checked.countDown();

        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertFalse(polls.get(1).failed());
        assertEquals(HealthCheck.State.UP, health());
    }

    @Test
    void refusedQuitIsReportedAndTheNextPollDeletesWithoutRouting() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Script first = deleOk(retr(listed(loggedIn(), a), a), a)
                .expect("QUIT").send("-ERR [SYS/PERM] unable to remove the messages\r\n").expectClosed();
        CountDownLatch checked = new CountDownLatch(1);
        Script second = ScriptedPop3Server.script()
                .step("wait until the test has checked the health", c -> checked.await(10, TimeUnit.SECONDS));
        second.send("+OK ready\r\n").expect("CAPA").send(CAPA_BEFORE_LOGIN).expect("USER " + USER).send("+OK\r\n").expect("PASS " + PASSWORD).send("+OK\r\n");
        quitOk(deleOk(retr(listed(second, a), a), a));
        ScriptedPop3Server server = serve(first, second);
        start(uri(server.port(), 2, ""));

        polls.awaitPolls(1);
        assertTrue(polls.get(0).failed());
        assertTrue(polls.get(0).failure().getMessage().contains("refused QUIT"), polls.get(0).failure().getMessage());
        assertEquals(HealthCheck.State.DOWN, health());
        checked.countDown();

        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        assertEquals(List.of("uid-a"), routedUids());
        assertFalse(polls.get(1).failed());
        assertEquals(HealthCheck.State.UP, health());
    }

    @ParameterizedTest
    @ValueSource(strings = { "IN-USE", "LOGIN-DELAY", "SYS/TEMP" })
    void busyMaildropFailsThePollQuietlyAndCountsAgainstHealth(String code) throws Exception {
        Script script = ScriptedPop3Server.script().send("+OK ready\r\n")
                .expect("CAPA").send(CAPA_BEFORE_LOGIN)
                .expect("USER " + USER).send("+OK\r\n")
                .expect("PASS " + PASSWORD).send("-ERR [" + code + "] try again later\r\n")
                .expectClosed();
        ScriptedPop3Server server = serve(script);
        try (LogCapture logs = new LogCapture()) {
            start(uri(server.port(), 1, ""));
            server.awaitScriptDone(TIMEOUT);
            polls.awaitPolls(1);

            assertTrue(polls.get(0).failed());
            assertInstanceOf(Pop3TemporaryFailureException.class, polls.get(0).failure().getCause());
            assertEquals(HealthCheck.State.DOWN, health());
            await().atMost(TIMEOUT).until(() -> !logs.at(Level.INFO, "[" + code + "]").isEmpty());
            assertEquals(1, logs.at(Level.INFO, "[" + code + "]").size(), logs.fullText());
            assertEquals(List.of(), logs.warningsOrWorse("[" + code + "]"), logs.fullText());
        }
    }

    @Test
    void messageLongerThanAnnouncedIsCutOffAtMaxMessageSizeAndSkippedFromThenOn() throws Exception {
        String liar = "Subject: liar\r\n\r\n" + "x".repeat(5000) + "\r\n";
        Mail b = Mail.of(2, "uid-b");
        String list = "+OK\r\n1 100\r\n2 " + b.size() + "\r\n.\r\n";
        String capa = "+OK\r\nUSER\r\nUIDL\r\n.\r\n";
        String uidl = "+OK\r\n1 uid-liar\r\n2 uid-b\r\n.\r\n";
        Script first = loggedIn().expect("LIST").send(list).expect("CAPA").send(capa).expect("UIDL").send(uidl)
                .expect("RETR 1").send("+OK\r\n" + liar + ".\r\n")
                .expectClosed();
        Script second = loggedIn().expect("LIST").send(list).expect("CAPA").send(capa).expect("UIDL").send(uidl);
        quitOk(deleOk(retr(second, b), b));
        ScriptedPop3Server server = serve(first, second);
        try (LogCapture logs = new LogCapture()) {
            start(uri(server.port(), 2, "maxMessageSize=1000"));
            server.awaitScriptDone(TIMEOUT);
            polls.awaitPolls(2);

            assertTrue(polls.get(0).failed());
            String error = polls.get(0).failure().getMessage();
            assertTrue(error.contains("grew past maxMessageSize (1000 octets) although the server announced 100"), error);
            assertEquals(1, polls.get(1).routed());
            assertEquals(List.of("uid-b"), routedUids());
            assertEquals(1, logs.at(Level.WARN, "stays on the server").size(), logs.fullText());
            Leftovers.assertNoneLeftAfterStop(context, "pop3", null);
        }
    }

    @Test
    void aRetrTheServerAlwaysRefusesDoesNotStarveTheOthersUnderMaxMessagesPerPoll() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        Script first = listed(loggedIn(), a, b).expect("RETR 1").send("-ERR cannot read message 1\r\n");
        quitOk(first);
        // the refused message yields its place: the next poll tries the other one first
        Script second = quitOk(deleOk(retr(listed(loggedIn(), a, b), b), b));
        ScriptedPop3Server server = serve(first, second);
        start(uri(server.port(), 2, "maxMessagesPerPoll=1"));

        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        assertEquals(List.of("uid-b"), routedUids());
        assertEquals(List.of(0, 1), polls.routedCounts());
        assertFalse(polls.get(0).failed(), "a refused RETR fails that message only");
        Leftovers.assertNoneLeftAfterStop(context, "pop3", null);
    }

    @ParameterizedTest(name = "delete={0}")
    @ValueSource(booleans = { true, false })
    void aMailWhoseMimeCannotBeMappedIsRoutedRawWithTheReasonAndThePollGoesOn(boolean delete) throws Exception {
        // a body part with more header fields than the mapping reads: mapMessage=text cannot map it
        StringBuilder text = new StringBuilder("Subject: hostile\r\nMIME-Version: 1.0\r\n"
                                               + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n");
        for (int i = 0; i < 1001; i++) {
            text.append("X-Field-").append(i).append(": value\r\n");
        }
        text.append("Content-Type: text/plain\r\n\r\nhidden\r\n--b--\r\n");
        Mail bad = new Mail(1, "uid-bad", text.toString());
        Mail b = Mail.of(2, "uid-b");
        Script script = retr(retr(listed(loggedIn(), bad, b), bad), b);
        if (delete) {
            deleOk(deleOk(script, bad), b);
        }
        pollOnce(quitOk(script), "mapMessage=text&delete=" + delete);
        assertEquals(List.of("uid-bad", "uid-b"), routedUids());
        List<Exchange> routed = getMockEndpoint("mock:out").getReceivedExchanges();
        assertTrue(routed.get(0).getIn().getHeader(Pop3LiteConstants.MAPPING_FAILURE) != null, "the reason is given");
        assertEquals(text.toString(), routed.get(0).getIn().getBody(String.class), "the raw message is the body");
        assertNull(routed.get(1).getIn().getHeader(Pop3LiteConstants.MAPPING_FAILURE));
        assertFalse(polls.get(0).failed());
        Leftovers.assertNoneLeftAfterStop(context, "pop3", null);
    }

    @Test
    void withoutUidlKeepModeRecognisesAMessageByItsContent() throws Exception {
        String text = "Subject: no uidl\r\n\r\nsame bytes both times\r\n";
        int size = text.length();
        Script first = loggedIn()
                .expect("LIST").send("+OK\r\n1 " + size + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nTOP\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\n" + text + ".\r\n");
        quitOk(first);
        Script second = loggedIn()
                .expect("LIST").send("+OK\r\n1 " + size + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nTOP\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\n" + text + ".\r\n");
        quitOk(second);
        ScriptedPop3Server server = serve(first, second);
        start(uri(server.port(), 2, "delete=false"));

        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        List<Exchange> routed = getMockEndpoint("mock:out").getReceivedExchanges();
        assertEquals(1, routed.size(), "delivered once");
        assertNull(routed.get(0).getIn().getHeader(Pop3LiteConstants.UID));
        String mailboxId = ((Pop3LiteEndpoint) context.getRoute("pop3").getEndpoint()).getConfiguration().mailboxId();
        assertEquals(mailboxId + "/ " + size + " sha256:"
                     + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                             .digest(text.getBytes(StandardCharsets.ISO_8859_1))),
                routed.get(0).getIn().getHeader(Pop3LiteConstants.IDEMPOTENT_KEY));
        assertEquals(List.of(1, 0), polls.routedCounts());
    }

    @Test
    void deleGoesOutOnlyAfterTheRouteCompleted() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        ScriptedPop3Server server = serve(drained(a));
        context.getRegistry().bind("polls", polls);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(server.port(), 1, "")).routeId("pop3")
                        .process(e -> {
                            entered.countDown();
                            assertTrue(release.await(10, TimeUnit.SECONDS));
                        })
                        .to("mock:out");
            }
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        List<String> whileRouting = server.received();
        release.countDown();
        server.awaitScriptDone(TIMEOUT);

        assertEquals("RETR 1", whileRouting.get(whileRouting.size() - 1), whileRouting.toString());
        assertEquals(List.of("CAPA", "USER alice", "PASS s3cret", "LIST", "CAPA", "UIDL", "RETR 1", "DELE 1", "QUIT"),
                server.received());
    }

    @Test
    void drainedSessionMatchesTheScriptExactly() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        ScriptedPop3Server server = serve(drained(a, b));
        start(uri(server.port(), 1, ""));
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(1);
        assertEquals(List.of("CAPA", "USER alice", "PASS s3cret", "LIST", "CAPA", "UIDL", "RETR 1", "RETR 2", "DELE 1", "DELE 2",
                "QUIT"), server.received());
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertEquals(List.of(a.text(), b.text()), getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(String.class)).toList());
        assertEquals(a.size(), getMockEndpoint("mock:out").getReceivedExchanges().get(0).getIn()
                .getHeader(Pop3LiteConstants.SIZE));
    }

    @Test
    void withPipeliningTheNextMessagesAreRequestedBeforeTheCurrentOneIsRouted() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        Mail c = Mail.of(3, "uid-c");
        // the server answers nothing until it has all three RETRs: a consumer that waited for each
        // reply before the next command would stall here and fail the script
        Script script = loggedIn()
                .expect("LIST").send("+OK\r\n1 " + a.size() + "\r\n2 " + b.size() + "\r\n3 " + c.size() + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 uid-a\r\n2 uid-b\r\n3 uid-c\r\n.\r\n")
                .expect("RETR 1").expect("RETR 2").expect("RETR 3")
                .send("+OK\r\n" + a.text() + ".\r\n+OK\r\n" + b.text() + ".\r\n+OK\r\n" + c.text() + ".\r\n")
                // the batch is routed once downloaded whole; then each routed message's DELE goes out
                .expect("DELE 1").expect("DELE 2").expect("DELE 3").send("+OK\r\n+OK\r\n+OK\r\n");
        ScriptedPop3Server server = serve(quitOk(script));
        start(uri(server.port(), 1, ""));
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(1);
        assertEquals(List.of("uid-a", "uid-b", "uid-c"), routedUids());
        assertEquals(List.of(a.text(), b.text(), c.text()), getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(String.class)).toList());
    }

    @Test
    void uidlIsJoinedToListByMessageNumberWhateverItsOrderAndAMessageItLeavesOutIsToldApartByContent() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        Mail c = Mail.of(3, "uid-c");
        Script script = loggedIn()
                .expect("LIST").send("+OK\r\n1 " + a.size() + "\r\n2 " + b.size() + "\r\n3 " + c.size() + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n3 uid-c\r\n1 uid-a\r\n.\r\n");
        quitOk(retrievedAndDeleted(script, a, b, c));
        pollOnce(script, "");
        List<Exchange> routed = getMockEndpoint("mock:out").getReceivedExchanges();
        assertEquals(Arrays.asList("uid-a", null, "uid-c"), routedUids());
        assertEquals(List.of(a.text(), b.text(), c.text()), routed.stream().map(e -> e.getIn().getBody(String.class)).toList());
        assertTrue(routed.get(1).getIn().getHeader(Pop3LiteConstants.IDEMPOTENT_KEY, String.class)
                .endsWith("/ " + b.size() + " sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(b.text().getBytes(StandardCharsets.ISO_8859_1)))), "the message without UIDL is keyed by content");
    }

    private List<String> batchProperties() {
        return getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getProperty(Exchange.BATCH_INDEX) + "/" + e.getProperty(Exchange.BATCH_SIZE) + "/"
                          + e.getProperty(Exchange.BATCH_COMPLETE))
                .toList();
    }

    @Test
    void batchPropertiesAreExactOnEveryExchangeWhenARetrInTheMiddleIsRefused() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        Mail c = Mail.of(3, "uid-c");
        Script script = retr(listed(loggedIn(), a, b, c), a).expect("RETR 2").send("-ERR cannot read message 2\r\n");
        quitOk(deleOk(deleOk(retr(script, c), a), c));
        pollOnce(script, "");
        assertEquals(List.of("uid-a", "uid-c"), routedUids());
        assertEquals(List.of("0/2/false", "1/2/true"), batchProperties());
    }

    @Test
    void batchPropertiesCountTheExchangesOfTheirBatchWhenAPollHasSeveral() throws Exception {
        // one message more than a batch holds: two batches in one poll, each described by its own properties
        int count = Pop3LiteConsumer.PIPELINE_MESSAGES + 1;
        Mail[] mails = new Mail[count];
        for (int i = 0; i < count; i++) {
            mails[i] = Mail.of(i + 1, "uid-" + (i + 1));
        }
        Mail[] first = Arrays.copyOf(mails, count - 1);
        Script script = retrievedAndDeleted(listed(loggedIn(), mails), first);
        quitOk(deleOk(retr(script, mails[count - 1]), mails[count - 1]));
        // without pipelining the DELEs of the first batch go out before the RETR of the second
        pollOnce(script, "");
        List<String> properties = batchProperties();
        assertEquals(count, properties.size());
        assertEquals("0/" + (count - 1) + "/false", properties.get(0));
        assertEquals((count - 2) + "/" + (count - 1) + "/true", properties.get(count - 2));
        assertEquals("0/1/true", properties.get(count - 1));
        assertEquals(List.of(count), polls.routedCounts());
    }

    // --- pipelining: the next batch is requested before the current one is routed ---------------

    /** One message more than a batch holds, numbered from 1: a poll of two batches, the second of one message. */
    private static Mail[] twoBatches() {
        Mail[] mails = new Mail[Pop3LiteConsumer.PIPELINE_MESSAGES + 1];
        for (int i = 0; i < mails.length; i++) {
            mails[i] = Mail.of(i + 1, "uid-" + (i + 1));
        }
        return mails;
    }

    /**
     * A pipelining server's session up to the reply to the RETR of the second batch, which the consumer sends
     * with those of the first and reads only once the first batch is routed.
     */
    private static Script bothBatchesRetrieved(Mail... mails) {
        Script script = listedPipelining(loggedIn(), mails);
        for (Mail mail : mails) {
            retr(script, mail);
        }
        return script;
    }

    /** A route in which the Exchange of {@code uid} runs {@code processor} first. */
    private void start(String uri, String uid, Processor processor) throws Exception {
        context.getRegistry().bind("polls", polls);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3")
                        .filter(header(Pop3LiteConstants.UID).isEqualTo(uid)).process(processor).end()
                        .convertBodyTo(String.class).to("mock:out");
            }
        });
    }

    /** Waits in the route until the server has read {@code line}: a consumer that sends it later fails the Exchange. */
    private static void awaitReceived(ScriptedPop3Server server, String line) {
        await(line + " received while the route runs").atMost(TIMEOUT).until(() -> server.received().contains(line));
    }

    private static List<String> uids(Mail... mails) {
        return Arrays.stream(mails).map(Mail::uid).toList();
    }

    @Test
    void withPipeliningTheNextBatchIsRequestedWithTheCurrentOneAndEachDeleFollowsItsExchange()
            throws Exception {
        Mail[] mails = twoBatches();
        Mail last = mails[mails.length - 1];
        // the server answers nothing until it has the RETRs of both batches: the second batch's go out with
        // the first's, and their replies wait while the first batch is read and routed
        Script script = listedPipelining(loggedIn(), mails);
        StringBuilder replies = new StringBuilder();
        for (Mail mail : mails) {
            script.expect("RETR " + mail.number());
            replies.append("+OK\r\n").append(mail.text()).append(".\r\n");
        }
        script.send(replies.toString());
        // the DELEs of the first batch follow the RETR sent ahead, then its reply is read
        for (Mail mail : mails) {
            deleOk(script, mail);
        }
        ScriptedPop3Server server = serve(quitOk(script));
        AtomicReference<List<String>> whileFirstRouted = new AtomicReference<>();
        start(uri(server.port(), 1, ""), "uid-1", e -> whileFirstRouted.set(server.received()));
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(1);

        assertEquals(uids(mails), routedUids());
        assertTrue(whileFirstRouted.get().contains("RETR " + last.number()), whileFirstRouted.get().toString());
        assertEquals(List.of(), whileFirstRouted.get().stream().filter(line -> line.startsWith("DELE")).toList(),
                "no DELE before its Exchange completed");
        List<String> properties = batchProperties();
        assertEquals("0/" + (mails.length - 1) + "/false", properties.get(0));
        assertEquals((mails.length - 2) + "/" + (mails.length - 1) + "/true", properties.get(mails.length - 2));
        assertEquals("0/1/true", properties.get(mails.length - 1), "the batch requested ahead is a batch of its own");
        assertEquals(List.of(mails.length), polls.routedCounts());
    }

    @Test
    void aStopWhileTheNextBatchIsRequestedReadsItPastQuitsAndLosesNothing() throws Exception {
        Mail[] mails = twoBatches();
        Mail last = mails[mails.length - 1];
        // the stop comes while the first Exchange is routed: only that one is deleted, the RETR sent ahead is read past
        Script first = quitOk(deleOk(bothBatchesRetrieved(mails), mails[0]));
        // QUIT removed message 1: the others are numbered from 1 again, and every one of them is routed once
        Mail[] left = new Mail[mails.length - 1];
        for (int i = 0; i < left.length; i++) {
            left[i] = new Mail(i + 1, mails[i + 1].uid(), mails[i + 1].text());
        }
        Script second = quitOk(retrievedAndDeleted(listedPipelining(loggedIn(), left), left));
        ScriptedPop3Server server = serve(first, second);
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        start(uri(server.port(), 1, ""), "uid-1", e -> {
            awaitReceived(server, "RETR " + last.number());
            Pop3LiteConsumer consumer = (Pop3LiteConsumer) context.getRoute("pop3").getConsumer();
            CompletableFuture.runAsync(() -> {
                try {
                    context.getRouteController().stopRoute("pop3");
                    stopped.complete(null);
                } catch (Exception failure) {
                    stopped.completeExceptionally(failure);
                }
            });
            await("the consumer is told to finish its current message only").atMost(TIMEOUT)
                    .until(() -> !consumer.isBatchAllowed());
        });
        stopped.get(30, TimeUnit.SECONDS);
        polls.awaitPolls(1);
        assertEquals(List.of("uid-1"), routedUids());
        assertEquals(List.of(1), polls.routedCounts());

        context.getRouteController().startRoute("pop3");
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        assertEquals(uids(mails), routedUids());
        assertEquals(List.of(1, left.length), polls.routedCounts());
        Leftovers.assertNoneLeftAfterStop(context, "pop3", null);
    }

    @Test
    void aRouteFailureWhileTheNextBatchIsRequestedLeavesOnlyThatMessageOnTheServer() throws Exception {
        Mail[] mails = twoBatches();
        Mail last = mails[mails.length - 1];
        Script first = bothBatchesRetrieved(mails);
        for (int i = 1; i < mails.length; i++) {
            deleOk(first, mails[i]);
        }
        quitOk(first);
        Script second = quitOk(retrievedAndDeleted(listedPipelining(loggedIn(), mails[0]), mails[0]));
        ScriptedPop3Server server = serve(first, second);
        AtomicBoolean failed = new AtomicBoolean();
        start(uri(server.port(), 2, ""), "uid-1", e -> {
            if (failed.compareAndSet(false, true)) {
                awaitReceived(server, "RETR " + last.number());
                throw new IllegalStateException("the route fails while the next batch is on its way");
            }
        });
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);

        List<String> expected = new ArrayList<>(uids(mails).subList(1, mails.length));
        expected.add("uid-1");
        assertEquals(expected, routedUids());
        assertEquals(List.of(mails.length - 1, 1), polls.routedCounts());
        assertFalse(polls.get(0).failed(), "a failed Exchange fails that message only");
        Leftovers.assertNoneLeftAfterStop(context, "pop3", null);
    }

    @Test
    void aSessionLostWhileTheNextBatchIsRequestedLosesAndDuplicatesNothing() throws Exception {
        Mail[] mails = twoBatches();
        Mail last = mails[mails.length - 1];
        Mail[] firstBatch = Arrays.copyOf(mails, mails.length - 1);
        Script first = listedPipelining(loggedIn(), mails);
        for (Mail mail : firstBatch) {
            retr(first, mail);
        }
        first.expect("RETR " + last.number()).hangUp();
        // the first batch was routed but its deletions never went out: each of its messages is downloaded again,
        // found routed and deleted unrouted, its DELE sent once its RETR is answered (after the RETR sent ahead);
        // then the message of the second batch is routed
        Script second = quitOk(retrievedAndDeleted(listedPipelining(loggedIn(), mails), mails));
        ScriptedPop3Server server = serve(first, second);
        start(uri(server.port(), 2, ""));
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);

        assertEquals(uids(mails), routedUids());
        assertTrue(polls.get(0).failed(), "the lost session is reported");
        assertEquals(1, polls.get(1).routed());
        Leftovers.assertNoneLeftAfterStop(context, "pop3", null);
    }

    @Test
    void batchPropertiesFollowMaxMessagesPerPoll() throws Exception {
        Mail a = Mail.of(1, "uid-a");
        Mail b = Mail.of(2, "uid-b");
        Mail c = Mail.of(3, "uid-c");
        Script first = quitOk(retrievedAndDeleted(listed(loggedIn(), a, b, c), a, b));
        Script second = quitOk(retrievedAndDeleted(listed(loggedIn(), c), c));
        ScriptedPop3Server server = serve(first, second);
        start(uri(server.port(), 2, "maxMessagesPerPoll=2"));
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(2);
        assertEquals(List.of("uid-a", "uid-b", "uid-c"), routedUids());
        assertEquals(List.of("0/2/false", "1/2/true", "0/1/true"), batchProperties());
    }
}
