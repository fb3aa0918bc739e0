package io.github.pop3lite.component;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import io.github.pop3lite.component.ScriptedSessions.Mail;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.deleOk;
import static io.github.pop3lite.component.ScriptedSessions.drained;
import static io.github.pop3lite.component.ScriptedSessions.listed;
import static io.github.pop3lite.component.ScriptedSessions.loggedIn;
import static io.github.pop3lite.component.ScriptedSessions.quitOk;
import static io.github.pop3lite.component.ScriptedSessions.retr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pipelining=auto against scripted servers that do not announce PIPELINING: one that answers the probe and
 * then receives RETRs together, and ones that delay, discard or hang up on the second of two commands. Each
 * script is the exact dialogue of one poll; whatever the server does, every message is routed once.
 */
class Pop3LitePipeliningProbeTest extends CamelTestSupport {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Mail a = Mail.of(1, "uid-a");
    private final Mail b = Mail.of(2, "uid-b");
    private final PollRecorder polls = new PollRecorder();
    private final List<ScriptedPop3Server> servers = new ArrayList<>();

    @AfterEach
    void closeServers() throws IOException {
        for (ScriptedPop3Server server : servers) {
            server.close();
        }
    }

    /** Polls once per script, with the given readTimeout, and waits until every script is done. */
    private ScriptedPop3Server poll(long readTimeout, Script... sessions) throws Exception {
        ScriptedPop3Server server = ScriptedPop3Server.start(sessions);
        servers.add(server);
        context.getRegistry().bind("polls", polls);
        String uri = "pop3lite:127.0.0.1:" + server.port() + "?username=" + USER + "&password=" + PASSWORD
                     + "&initialDelay=0&delay=100&repeatCount=" + sessions.length + "&pollStrategy=#polls"
                     + "&readTimeout=" + readTimeout + "&mailboxId=" + TestMailboxes.fresh(USER);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").convertBodyTo(String.class).to("mock:out");
            }
        });
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(sessions.length);
        return server;
    }

    private List<String> routedUids() {
        return getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getIn().getHeader(Pop3LiteConstants.UID, String.class)).toList();
    }

    /** The start of a poll up to the probe's two NOOPs, both read before either is answered. */
    private Script probed() {
        return listed(loggedIn(), a, b).expect("NOOP").expect("NOOP");
    }

    private static String retrReply(Mail mail) {
        return "+OK " + mail.size() + " octets\r\n" + mail.text() + ".\r\n";
    }

    @Test
    void aServerThatAnswersTheProbeGetsItsRetrsTogether() throws Exception {
        // both RETRs are read before either is answered: a consumer that waited for the first would time out
        Script session = probed().send("+OK\r\n+OK\r\n")
                .expect("RETR 1").expect("RETR 2").send(retrReply(a) + retrReply(b));
        poll(5000, quitOk(deleOk(deleOk(session, a), b)));
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertFalse(polls.get(0).failed());
    }

    @Test
    void aLateSecondReplyMeansOneCommandAtATimeInTheSamePoll() throws Exception {
        Script session = probed().send("+OK\r\n").pause(Duration.ofMillis(1500)).send("+OK\r\n");
        // one command at a time, the next message still fetched before the current one is routed
        session = quitOk(deleOk(deleOk(retr(retr(session, a), b), a), b));
        poll(5000, session);
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertFalse(polls.get(0).failed());
    }

    @Test
    void aServerThatDiscardsTheSecondCommandFailsOnePollAndIsThenPolledOneCommandAtATime() throws Exception {
        ScriptedPop3Server server = poll(1500, probed().send("+OK\r\n").stall(), drained(a, b));
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertTrue(polls.get(0).failed());
        String message = polls.get(0).failure().getMessage();
        assertTrue(message.contains("failed the pipelining probe"), message);
        assertFalse(polls.get(1).failed());
        assertEquals(2, server.received().stream().filter("NOOP"::equals).count(), "probed once: " + server.received());
    }

    @Test
    void aServerThatHangsUpOnTwoCommandsFailsOnePollAndIsThenPolledOneCommandAtATime() throws Exception {
        poll(5000, probed().hangUp(), drained(a, b));
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertTrue(polls.get(0).failed());
        assertFalse(polls.get(1).failed());
    }

    @Test
    void aServerThatPassedTheProbeButDiscardsAPipelinedRetrIsProbedAgainAndNothingIsRoutedTwice() throws Exception {
        // poll 1: RETR 2 is thrown away, so the poll times out while message 1, fetched, waits for the one after it
        Script first = probed().send("+OK\r\n+OK\r\n")
                .expect("RETR 1").expect("RETR 2").send(retrReply(a))
                .stall();
        // poll 2: message 1 was given back unrouted, so both are routed now, once; the probe runs again
        Script second = probed().send("+OK\r\n+OK\r\n")
                .expect("RETR 1").expect("RETR 2").send(retrReply(a) + retrReply(b));
        poll(1500, first, quitOk(deleOk(deleOk(second, a), b)));
        assertEquals(List.of("uid-a", "uid-b"), routedUids());
        assertTrue(polls.get(0).failed());
        assertFalse(polls.get(1).failed());
    }
}
