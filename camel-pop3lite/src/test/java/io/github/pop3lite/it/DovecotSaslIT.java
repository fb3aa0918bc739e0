package io.github.pop3lite.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.pop3lite.client.AccessTokenProvider;
import io.github.pop3lite.component.PollRecorder;
import io.github.pop3lite.component.TestMailboxes;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every login method of the pop3lite: consumer against Dovecot: the password mechanisms against its
 * passwd-file, XOAUTH2 and OAUTHBEARER against its oauth2 passdb, whose token introspection (RFC 7662)
 * goes to a small HTTP server of this test. Dovecot's log tells which mechanism each login used.
 */
class DovecotSaslIT {

    private static final String USER = "alice";
    private static final String GOOD_TOKEN = "ya29.pop3lite-it-good-token";

    private static HttpServer introspection;
    private static final List<String> introspected = new CopyOnWriteArrayList<>();
    private static Dovecot dovecot;

    private final List<String> routed = new CopyOnWriteArrayList<>();
    private final PollRecorder polls = new PollRecorder();
    /** The emptied maildrop is a new mailbox for the consumer, whose default repository outlives a test. */
    private String mailboxId;

    @BeforeAll
    static void start() throws Exception {
        introspection = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        introspection.createContext("/introspect", DovecotSaslIT::introspect);
        introspection.start();
        dovecot = Dovecot.start("http://127.0.0.1:" + introspection.getAddress().getPort() + "/introspect");
    }

    @AfterAll
    static void stop() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
        if (introspection != null) {
            introspection.stop(0);
        }
    }

    /** Active, for alice, only for the good token. */
    private static void introspect(HttpExchange exchange) throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String token = "";
        for (String pair : form.split("&")) {
            if (pair.startsWith("token=")) {
                token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        introspected.add(token);
        byte[] body = (GOOD_TOKEN.equals(token) ? "{\"active\":true,\"username\":\"" + USER + "\"}" : "{\"active\":false}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @BeforeEach
    void emptyMaildrop() throws Exception {
        dovecot.clear(USER);
        mailboxId = TestMailboxes.fresh(USER);
    }

    private CamelContext consume(String options) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("polls", polls);
        context.getRegistry().bind("tokens", (AccessTokenProvider) user -> GOOD_TOKEN);
        context.getRegistry().bind("revoked", (AccessTokenProvider) user -> "ya29.revoked-token");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3lite:" + dovecot.host() + ":" + dovecot.pop3Port() + "?username=" + USER
                     + "&initialDelay=0&delay=200&pollStrategy=#polls&mailboxId=" + mailboxId + "&" + options)
                        .process(e -> routed.add(e.getMessage().getHeader("Subject", String.class)));
            }
        });
        context.start();
        return context;
    }

    private void deliver(String subject) throws IOException {
        dovecot.deliver(USER, ("Subject: " + subject + "\r\nFrom: a@example.org\r\n\r\nbody of " + subject + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** The mechanisms of Dovecot's "Login:" lines so far. */
    private static List<String> loginMethods() throws IOException {
        Matcher m = Pattern.compile("pop3-login: Info: Login: user=<" + USER + ">, method=([A-Z0-9-]+)").matcher(dovecot.log());
        List<String> methods = new java.util.ArrayList<>();
        while (m.find()) {
            methods.add(m.group(1));
        }
        return methods;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "authentication=plain&password=alicepw, PLAIN",
            "authentication=login&password=alicepw, LOGIN",
            "authentication=cram-md5&password=alicepw, CRAM-MD5",
            "authentication=scram-sha-1&password=alicepw, SCRAM-SHA-1",
            "authentication=scram-sha-256&password=alicepw, SCRAM-SHA-256",
            "authentication=apop&password=alicepw, APOP",
            "authentication=user&password=alicepw, PLAIN",
            "authentication=auto&password=alicepw, SCRAM-SHA-256",
            "authentication=xoauth2&accessTokenProvider=#tokens, XOAUTH2",
            "authentication=oauthbearer&accessToken=RAW(" + GOOD_TOKEN + "), OAUTHBEARER",
            "authentication=auto&accessTokenProvider=#tokens, OAUTHBEARER",
    })
    void everyMechanismLogsInAndDrainsTheMaildrop(String options, String dovecotMethod) throws Exception {
        int before = loginMethods().size();
        deliver("one " + dovecotMethod);
        deliver("two " + dovecotMethod);
        try (CamelContext ignored = consume(options)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> routed.size() == 2 && dovecot.filesInMaildrop(USER) == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> loginMethods().size() > before);
        }
        List<String> methods = loginMethods();
        assertEquals(dovecotMethod, methods.get(before), "Dovecot's log: " + methods);
        assertTrue(polls.polls().stream().noneMatch(PollRecorder.Poll::failed), polls.polls().toString());
    }

    @Test
    void wrongPasswordLeavesTheMailWithAClearError() throws Exception {
        deliver("kept");
        try (CamelContext ignored = consume("authentication=scram-sha-256&password=wrong")) {
            polls.awaitPolls(1);
        }
        String error = polls.get(0).failure().getMessage();
        assertTrue(error.startsWith("Login as 'alice' to POP3 server 127.0.0.1:" + dovecot.pop3Port()
                                    + " refused (-ERR [AUTH] Authentication failed.)"), error);
        assertTrue(error.contains("Check the username and password options"), error);
        assertEquals(List.of(), routed);
        assertEquals(1, dovecot.filesInMaildrop(USER));
    }

    @Test
    void revokedTokenLeavesTheMailWithTheServersStatus() throws Exception {
        deliver("kept");
        try (CamelContext ignored = consume("authentication=xoauth2&accessTokenProvider=#revoked")) {
            polls.awaitPolls(1);
        }
        String error = polls.get(0).failure().getMessage();
        assertTrue(error.contains("refused (-ERR [AUTH] Authentication failed.; status 401"), error);
        assertTrue(error.contains("Check the username and access token options"), error);
        assertFalse(error.contains("revoked-token"), error);
        assertTrue(introspected.contains("ya29.revoked-token"), "Dovecot asked the introspection endpoint: " + introspected);
        assertEquals(List.of(), routed);
        assertEquals(1, dovecot.filesInMaildrop(USER));
    }
}
