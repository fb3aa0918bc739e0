package io.github.pop3lite.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.pop3lite.component.Pop3LiteConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.ScheduledPollConsumer;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pop3lite: consumer draining a real Dovecot maildrop. */
class DovecotComponentIT extends DovecotTestSupport {

    private final List<String> routed = new CopyOnWriteArrayList<>();

    @Override
    String user() {
        return "bob";
    }

    private CamelContext start(int port, String options) throws Exception {
        CamelContext context = new DefaultCamelContext();
        SSLContextParameters tls = new SSLContextParameters();
        KeyStoreParameters store = new KeyStoreParameters();
        char[] password = "changeit".toCharArray();
        store.setResource("file:" + dovecot.trustStoreFile(password));
        store.setPassword(new String(password));
        store.setType("PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        tls.setTrustManagers(trust);
        context.getRegistry().bind("dovecotTls", tls);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3lite:" + dovecot.host() + ":" + port + "?username=bob&password=RAW(" + dovecot.password("bob") + ")"
                     + "&initialDelay=0&delay=200&mailboxId=" + mailboxId + "&" + options)
                        .routeId("drain")
                        .process(e -> routed.add(e.getMessage().getHeader("Subject", String.class) + "|"
                                                 + e.getMessage().getHeader(Pop3LiteConstants.UID, String.class) + "|"
                                                 + e.getMessage().getBody(String.class).length()));
            }
        });
        context.start();
        return context;
    }

    private void deliver(String subject) throws Exception {
        dovecot.deliver("bob", ("Subject: " + subject + "\r\nFrom: a@example.org\r\n\r\nbody of " + subject + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void deletesEachMessageAfterItsRouteSucceeded() throws Exception {
        deliver("one");
        deliver("two");
        deliver("three");
        try (CamelContext ignored = start(dovecot.pop3Port(), "delete=true")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> routed.size() == 3 && dovecot.filesInMaildrop("bob") == 0);
        }
        assertEquals(List.of("one", "two", "three"),
                routed.stream().map(r -> r.substring(0, r.indexOf('|'))).sorted((a, b) -> order(a) - order(b)).toList());
        assertTrue(routed.stream().noneMatch(r -> r.contains("|null|")), "every Exchange carries Dovecot's UIDL");
    }

    private static int order(String subject) {
        return List.of("one", "two", "three").indexOf(subject);
    }

    @Test
    void keepModeDeliversEachMessageOnceAndLeavesThemOnTheServer() throws Exception {
        deliver("kept-1");
        deliver("kept-2");
        try (CamelContext context = start(dovecot.pop3Port(), "delete=false")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> routed.size() == 2);
            deliver("kept-3");
            await().atMost(Duration.ofSeconds(20)).until(() -> routed.size() == 3);
            // several more polls see all three messages and route none of them again
            ScheduledPollConsumer consumer = (ScheduledPollConsumer) context.getRoute("drain").getConsumer();
            long polls = consumer.getCounter();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumer.getCounter() >= polls + 3);
        }
        assertEquals(3, routed.size(), routed.toString());
        assertEquals(3, dovecot.filesInMaildrop("bob"));
    }

    @Test
    void drainsOverStlsAndOverImplicitTls() throws Exception {
        deliver("over-stls");
        try (CamelContext ignored = start(dovecot.pop3Port(),
                "security=starttls&sslContextParameters=#dovecotTls")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> routed.size() == 1 && dovecot.filesInMaildrop("bob") == 0);
        }
        deliver("over-tls");
        try (CamelContext ignored = start(dovecot.pop3sPort(),
                "security=tls&sslContextParameters=#dovecotTls")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> routed.size() == 2 && dovecot.filesInMaildrop("bob") == 0);
        }
        assertTrue(routed.get(0).startsWith("over-stls|"));
        assertTrue(routed.get(1).startsWith("over-tls|"));
    }
}
