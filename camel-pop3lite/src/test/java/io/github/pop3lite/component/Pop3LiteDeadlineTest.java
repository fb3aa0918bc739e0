package io.github.pop3lite.component;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.pop3lite.client.DripProxy;
import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import io.github.pop3lite.component.PollRecorder.Poll;
import io.github.pop3lite.component.ScriptedSessions.Mail;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.deleOk;
import static io.github.pop3lite.component.ScriptedSessions.listed;
import static io.github.pop3lite.component.ScriptedSessions.loggedIn;
import static io.github.pop3lite.component.ScriptedSessions.quitOk;
import static io.github.pop3lite.component.ScriptedSessions.retr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that drips, or sends without end, holds a poll no longer than the bound docs/security.md
 * states: readTimeout for a reply line or a TLS handshake, readTimeout + octets / minDataRate for a
 * listing or a message, and a message is cut at its LIST size plus 10 % and 4 KiB. Each test measures
 * the poll's duration (printed, for the docs) against that bound.
 */
class Pop3LiteDeadlineTest extends CamelTestSupport {

    private static final long READ_TIMEOUT_MS = 1000;
    private static final long MIN_DATA_RATE = 1024;
    /** A loaded machine; far less than any of the drips would take to finish. */
    private static final long SLACK_MS = 2500;
    private static final Duration DRIP = Duration.ofMillis(50);

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

    private void start(int port, int pollCount, String options) throws Exception {
        context.getRegistry().bind("polls", polls);
        String uri = "pop3lite:127.0.0.1:" + port + "?username=" + USER + "&pipelining=announced" + "&password=" + PASSWORD
                     + "&initialDelay=0&delay=100&repeatCount=" + pollCount + "&pollStrategy=#polls&readTimeout="
                     + READ_TIMEOUT_MS + "&minDataRate=" + MIN_DATA_RATE + "&mailboxId=" + TestMailboxes.fresh(USER) + (options.isEmpty() ? "" : "&" + options);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").convertBodyTo(String.class).to("mock:out");
            }
        });
    }

    /** The first poll failed with the text, within the bound; returns its duration in ms. */
    private long firstPollFailed(String text, long boundMs, String what) {
        polls.awaitPolls(1);
        Poll poll = polls.get(0);
        assertTrue(poll.failed(), what + ": the poll failed");
        assertTrue(poll.failure().getMessage().contains(text), poll.failure().getMessage());
        long ms = poll.duration().toMillis();
        System.out.println("poll duration, " + what + ": " + ms + " ms (bound " + boundMs + " ms)");
        assertTrue(ms >= READ_TIMEOUT_MS - 50, what + ": failed after " + ms + " ms, before readTimeout");
        assertTrue(ms < boundMs + SLACK_MS, what + ": failed only after " + ms + " ms; the bound is " + boundMs + " ms");
        return ms;
    }

    /** Each octet of the LIST status line 50 ms after the last: 3 s for the line, but readTimeout bounds it whole. */
    @Test
    void aDrippedReplyLineFailsThePollWithinReadTimeout() throws Exception {
        ScriptedPop3Server server = serve(loggedIn().expect("LIST").drip("+OK " + "x".repeat(60) + "\r\n", DRIP).stall());
        start(server.port(), 1, "");
        firstPollFailed("sent no complete line within 1000 ms (readTimeout)", READ_TIMEOUT_MS, "reply line drip");
    }

    /** Listing lines at 20 octets a second: far below minDataRate, each octet within readTimeout. */
    @Test
    void aDrippedListingFailsThePollAtTheMinimumRate() throws Exception {
        ScriptedPop3Server server = serve(loggedIn().expect("LIST").send("+OK\r\n")
                .drip("1 100\r\n2 100\r\n3 100\r\n4 100\r\n5 100\r\n6 100\r\n7 100\r\n8 100\r\n", DRIP).stall());
        start(server.port(), 1, "");
        // at most the 56 octets of the listing received: readTimeout + 56 / 1024 s
        firstPollFailed("sent a listing too slowly", READ_TIMEOUT_MS + 56 * 1000 / MIN_DATA_RATE, "listing drip");
    }

    /** Message data at 20 octets a second: the message would take minutes. */
    @Test
    void aDrippedMessageFailsThePollAtTheMinimumRate() throws Exception {
        Mail mail = Mail.of(1, "slow");
        ScriptedPop3Server server = serve(listed(loggedIn(), mail).expect("RETR 1").send("+OK\r\n")
                .drip(mail.text().repeat(20), DRIP).stall());
        start(server.port(), 1, "");
        firstPollFailed("sent message data too slowly", READ_TIMEOUT_MS + mail.size() * 1000 / MIN_DATA_RATE,
                "message data drip");
    }

    /** The server's side of the TLS handshake one octet every 50 ms. */
    @Test
    void aDrippedTlsHandshakeFailsThePollWithinReadTimeout() throws Exception {
        // the start of a TLS server hello, then zeros: the handshake never completes, and only its deadline as a
        // whole ends it, since each read of the socket gets an octet in time
        ScriptedPop3Server tls = serve(ScriptedPop3Server.script().step("a TLS server hello, dripped", c -> {
            c.out().write(new byte[] { 0x16, 0x03, 0x03, 0x10, 0x00 });
            c.out().write(new byte[4096]);
            c.out().flush();
        }).stall());
        DripProxy tlsProxy = DripProxy.to(tls.port());
        servers.add(tlsProxy);
        tlsProxy.startDripping(DRIP);
        start(tlsProxy.port(), 1, "security=tls");
        firstPollFailed("did not complete within 1000 ms (readTimeout)", READ_TIMEOUT_MS, "TLS handshake drip");
    }

    /**
     * RETR data far longer than its LIST size, with no maxMessageSize: cut at 100 + 4096 + 10 octets, and the
     * message skipped from then on while the next one is delivered.
     */
    @Test
    void aMessageLongerThanItsListSizeIsCutAndSkipped() throws Exception {
        Mail liar = new Mail(1, "liar", "Subject: liar\r\n\r\n" + "this line was not announced\r\n".repeat(2000));
        Mail good = Mail.of(2, "good");
        Script first = loggedIn()
                .expect("LIST").send("+OK\r\n1 100\r\n2 " + good.size() + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 liar\r\n2 good\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\n" + liar.text() + ".\r\n")
                .stall();
        Script second = loggedIn()
                .expect("LIST").send("+OK\r\n1 100\r\n2 " + good.size() + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 liar\r\n2 good\r\n.\r\n");
        quitOk(deleOk(retr(second, good), good));
        ScriptedPop3Server server = serve(first, second);
        try (LogCapture log = new LogCapture()) {
            start(server.port(), 2, "");
            polls.awaitPolls(2);
            Poll poll = polls.get(0);
            assertTrue(poll.failure().getMessage().contains("sent more than 4206 octets of a message it announced as"
                                                            + " 100 octets in LIST"), poll.failure().getMessage());
            System.out.println("poll duration, RETR longer than its LIST size: " + poll.duration().toMillis() + " ms");
            assertTrue(poll.duration().toMillis() < SLACK_MS, poll.duration().toMillis() + " ms");
            assertEquals(1, polls.get(1).routed());
            server.awaitScriptDone();
            assertEquals(List.of("good"), getMockEndpoint("mock:out").getReceivedExchanges().stream()
                    .map(e -> e.getIn().getHeader(Pop3LiteConstants.UID, String.class)).toList());
            assertEquals(1, log.at(org.apache.logging.log4j.Level.WARN, "the server sent more than 4206 octets of it"
                                                                        + " although LIST announced 100").size());
        }
    }

    /** Data without end, fast: cut at the LIST bound within a moment, however fast the server is. */
    @Test
    void anEndlessMessageIsCutAtItsListSize() throws Exception {
        ScriptedPop3Server server = serve(loggedIn()
                .expect("LIST").send("+OK\r\n1 2048\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 endless\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\nSubject: endless\r\n\r\n")
                .step("send data without end until the client hangs up", c -> {
                    byte[] line = "more and more\r\n".repeat(1000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    try {
                        while (true) {
                            c.out().write(line);
                        }
                    } catch (IOException expected) {
                        // the client cut the download
                    }
                }));
        start(server.port(), 1, "maxMessageSize=0");
        polls.awaitPolls(1);
        Poll poll = polls.get(0);
        assertTrue(poll.failure().getMessage().contains("sent more than 6348 octets"), poll.failure().getMessage());
        System.out.println("poll duration, endless RETR: " + poll.duration().toMillis() + " ms");
        assertTrue(poll.duration().toMillis() < SLACK_MS, poll.duration().toMillis() + " ms");
    }
}
