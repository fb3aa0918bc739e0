package io.github.pop3lite.component;

import io.github.pop3lite.client.Apop;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.icegreen.greenmail.util.GreenMailUtil;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The password never shows: not in any log line we keep (pop3lite at DEBUG, Camel at INFO), nor in endpoint URIs. */
class Pop3LiteSecretsTest extends GreenMailTestSupport {

    private static final String SECRET = "Zq+9&s%w=rd;S3cr3t";
    private static final String WRONG = "Wr0ng+&%pa55;word";

    private static void assertNoPassword(String text) {
        for (String password : List.of(SECRET, WRONG)) {
            assertFalse(text.contains(password), "contains a password: " + text);
            assertFalse(text.contains(URLEncoder.encode(password, StandardCharsets.UTF_8)),
                    "contains an encoded password: " + text);
            assertFalse(text.contains(password.substring(password.length() - 8)), "contains part of a password: " + text);
        }
    }

    @Test
    void passwordNeverAppearsInLogsOrEndpointUris() throws Exception {
        greenMail.setUser("carol@example.com", "carol", SECRET)
                .deliver(GreenMailUtil.newMimeMessage(mail("fails once", "x")));
        PollRecorder wrongPolls = new PollRecorder();
        context.getRegistry().bind("wrongPolls", wrongPolls);
        AtomicInteger attempts = new AtomicInteger();
        List<String> shown = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri("carol", SECRET, "")).routeId("pop3")
                            .process(e -> {
                                if (attempts.incrementAndGet() == 1) {
                                    throw new IllegalStateException("the route fails the first time");
                                }
                            })
                            .convertBodyTo(String.class).to("mock:out");
                    from(uri("carol", WRONG, "pollStrategy=#wrongPolls")).routeId("wrong").to("mock:wrong");
                }
            });
            awaitRouted(1);
            wrongPolls.awaitPolls(2);
            assertTrue(wrongPolls.get(0).failed());

            HealthCheck.Result down = ConsumerHealth.call(context, "wrong");
            assertEquals(HealthCheck.State.DOWN, down.getState());
            shown.add(down.getMessage().orElse(""));
            shown.add(down.getError().map(Throwable::getMessage).orElse(""));
            shown.add(down.getDetails().toString());
            for (String routeId : List.of("pop3", "wrong")) {
                shown.add(context.getRoute(routeId).getConsumer().toString());
                shown.add(context.getRoute(routeId).toString());
            }
            for (Endpoint endpoint : context.getEndpoints()) {
                shown.add(endpoint.toString());
                shown.add(endpoint.getEndpointBaseUri());
                shown.add(URISupport.sanitizeUri(endpoint.getEndpointUri()));
            }
            shown.add(context.getEndpoints().toString());
            context.getRouteController().stopRoute("pop3");
            context.getRouteController().stopRoute("wrong");

            String logged = logs.fullText();
            assertTrue(logged.contains("the route fails the first time"), "the route failure was logged");
            assertTrue(logged.contains("Login as 'carol'"), "the login failure was logged");
            assertTrue(logged.contains("C: PASS ****"), "the protocol trace was logged, masked");
            assertNoPassword(logged);
        }
        assertTrue(shown.stream().anyMatch(text -> text.contains("pop3lite://127.0.0.1:" + port())), shown.toString());
        for (String text : shown) {
            assertNoPassword(text);
        }
        assertEquals(List.of("fails once"), routedSubjects());
    }

    @Test
    void apopDigestIsMaskedInTheProtocolTrace() throws Exception {
        String timestamp = "<4711.1@mail.example>";
        String digest = Apop.digest(timestamp, SECRET);
        Script script = ScriptedPop3Server.script()
                .send("+OK ready " + timestamp + "\r\n")
                .expect("APOP carol " + digest).send("+OK\r\n")
                .expect("QUIT").send("+OK\r\n");
        try (LogCapture logs = new LogCapture();
             ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(
                    server.clientOptions().build())) {
                client.login("carol", SECRET);
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
            String logged = logs.fullText();
            assertTrue(logged.contains("C: APOP carol ****"), logged);
            assertFalse(logged.contains(digest), "the digest was logged: " + logged);
            assertNoPassword(logged);
        }
    }
}
