package io.github.pop3lite.component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.pop3lite.client.AccessTokenProvider;
import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.component.ScriptedSessions.CAPA_BEFORE_LOGIN;
import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.listed;
import static io.github.pop3lite.component.ScriptedSessions.quitOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer's logins over time: exponential backoff after refused tokens (counted by the server's
 * connections), reset on success; the server's LOGIN-DELAY and EXPIRE; and tokens kept out of every log
 * line, the protocol trace at TRACE included.
 */
class Pop3LiteLoginPolicyTest extends CamelTestSupport {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6IkxvbmdUb2tlbkZvclRlc3Rz.secret-part";

    private final PollRecorder polls = new PollRecorder();
    private final List<Long> logins = new CopyOnWriteArrayList<>();
    private ScriptedPop3Server server;

    @AfterEach
    void closeServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static String xoauth2() {
        return Base64.getEncoder().encodeToString(("user=" + USER + "\u0001auth=Bearer " + TOKEN + "\u0001\u0001")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** A connection whose arrival time is noted, greeted, asked CAPA with the given lines. */
    private Script connected(String capa) {
        return ScriptedPop3Server.script()
                .step("note the time", c -> logins.add(System.nanoTime()))
                .send("+OK ready\r\n")
                .expect("CAPA").send(capa);
    }

    private Script tokenRefused() {
        String error = Base64.getEncoder().encodeToString(
                "{\"status\":\"invalid_token\",\"scope\":\"https://outlook.office.com/POP.AccessAsUser.All\"}"
                        .getBytes(StandardCharsets.UTF_8));
        return connected("+OK\r\nUSER\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\n.\r\n")
                .expect("AUTH XOAUTH2").send("+ \r\n")
                .expect(xoauth2()).send("+ " + error + "\r\n")
                .expect("").send("-ERR Authentication failure: unknown user name or bad password.\r\n")
                .expectClosed();
    }

    private Script tokenAccepted() {
        Script script = connected("+OK\r\nUSER\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\n.\r\n")
                .expect("AUTH XOAUTH2").send("+ \r\n")
                .expect(xoauth2()).send("+OK User successfully authenticated.\r\n");
        return quitOk(listed(script));
    }

    private void start(String options, Script... scripts) throws Exception {
        server = ScriptedPop3Server.start(scripts);
        context.getRegistry().bind("polls", polls);
        context.getRegistry().bind("tokens", (AccessTokenProvider) user -> TOKEN);
        String uri = "pop3lite:127.0.0.1:" + server.port() + "?username=" + USER + "&initialDelay=0&delay=100"
                     + "&readTimeout=5000&pipelining=announced&pollStrategy=#polls&mailboxId=" + TestMailboxes.fresh(USER)
                     + "&" + options;
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").to("mock:out");
            }
        });
    }

    private List<Long> gapsMillis() {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < logins.size(); i++) {
            gaps.add((logins.get(i) - logins.get(i - 1)) / 1_000_000);
        }
        return gaps;
    }

    @Test
    void refusedTokensBackOffExponentiallyAreReportedOnceAndSuccessResetsTheBackoff() throws Exception {
        String level = LogManager.getLogger("io.github.pop3lite").getLevel().name();
        Configurator.setLevel("io.github.pop3lite", Level.TRACE);
        try (LogCapture logs = new LogCapture()) {
            start("accessTokenProvider=#tokens&loginBackoffMaxDelay=3200",
                    tokenRefused(), tokenRefused(), tokenRefused(), tokenRefused(), tokenAccepted(), tokenAccepted());
            server.awaitScriptDone(TIMEOUT);
            context.getRouteController().stopRoute("pop3");

            // delay=100: waits of 200, 400, 800 and 1600 ms after the four refusals, then the plain delay again
            List<Long> gaps = gapsMillis();
            assertEquals(5, gaps.size(), gaps.toString());
            assertTrue(gaps.get(0) >= 200 && gaps.get(1) >= 400 && gaps.get(2) >= 800 && gaps.get(3) >= 1600,
                    "backoff too short: " + gaps);
            assertTrue(gaps.get(1) > gaps.get(0) && gaps.get(2) > gaps.get(1) && gaps.get(3) > gaps.get(2), gaps.toString());
            assertTrue(gaps.get(4) < 1500, "the success ended the backoff: " + gaps);
            assertTrue(polls.count() > logins.size(), "polls while backing off are skipped without connecting: "
                                                      + polls.count() + " polls, " + logins.size() + " logins");

            assertEquals(1, logs.warningsOrWorse("refused").size(), logs.fullText());
            String warning = logs.warningsOrWorse("refused").get(0).getMessage().getFormattedMessage();
            assertTrue(warning.contains("unknown user name or bad password.; status invalid_token"), warning);
            assertTrue(warning.contains("up to 3200 ms apart"), warning);
            assertEquals(1, logs.at(Level.INFO, "polling works again").size(), logs.fullText());

            String logged = logs.fullText();
            assertTrue(logged.contains("C: ****"), "the trace was logged, masked: " + logged);
            assertTrue(logs.events().stream().anyMatch(e -> e.getLevel() == Level.TRACE), "TRACE was on");
            assertFalse(logged.contains(TOKEN), logged);
            assertFalse(logged.contains("secret-part"), logged);
            assertFalse(logged.contains(xoauth2()), "the encoded token was logged");
            assertFalse(logged.contains(xoauth2().substring(20, 60)), "part of the encoded token was logged");
            for (PollRecorder.Poll poll : polls.polls()) {
                if (poll.failed()) {
                    assertFalse(poll.failure().getMessage().contains("secret-part"), poll.failure().getMessage());
                }
            }
        } finally {
            Configurator.setLevel("io.github.pop3lite", Level.valueOf(level));
        }
    }

    @Test
    void loginDelayIsKeptWhateverDelaySaysAndExpireContradictingKeepModeIsReportedOnce() throws Exception {
        String capa = "+OK\r\nUSER\r\nUIDL\r\nLOGIN-DELAY 1\r\nEXPIRE 0\r\n.\r\n";
        List<Script> scripts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Script script = connected(capa)
                    .expect("USER " + USER).send("+OK\r\n")
                    .expect("PASS " + PASSWORD).send("+OK\r\n");
            scripts.add(quitOk(listed(script)));
        }
        try (LogCapture logs = new LogCapture()) {
            start("password=" + PASSWORD + "&delete=false", scripts.toArray(Script[]::new));
            server.awaitScriptDone(TIMEOUT);
            context.getRouteController().stopRoute("pop3");
            List<Long> gaps = gapsMillis();
            assertTrue(gaps.stream().allMatch(g -> g >= 1000), "LOGIN-DELAY 1 kept between logins: " + gaps);
            assertEquals(1, logs.at(Level.INFO, "announces LOGIN-DELAY 1").size(), logs.fullText());
            assertEquals(1, logs.at(Level.WARN, "announces EXPIRE 0").size(), logs.fullText());
            assertTrue(logs.at(Level.WARN, "announces EXPIRE 0").get(0).getMessage().getFormattedMessage()
                    .contains("whatever delete=false says"));
            assertTrue(polls.polls().stream().noneMatch(PollRecorder.Poll::failed), "a skipped poll is no failure");
        }
    }

    @Test
    void explicitMechanismTheServerDoesNotOfferFailsThePollNamingWhatItOffers() throws Exception {
        Script script = connected(CAPA_BEFORE_LOGIN).expectClosed();
        start("password=" + PASSWORD + "&authentication=scram-sha-256&repeatCount=1", script);
        server.awaitScriptDone(TIMEOUT);
        polls.awaitPolls(1);
        String error = polls.get(0).failure().getMessage();
        assertTrue(error.contains("does not offer login with SASL SCRAM-SHA-256: it offers no SASL mechanism and"
                                  + " USER/PASS. Nothing was sent."), error);
        assertEquals(List.of("CAPA"), server.received());
    }
}
