package io.github.pop3lite.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import io.github.pop3lite.component.ScriptedSessions.Mail;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnector;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.drained;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Header fields a sender wrote do not reach the endpoints a route sends to: the Exchange a producer gets
 * carries none of the control names, and an embedded Artemis broker, reached through camel-jms, takes two
 * mails with the same {@code _AMQ_DUPL_ID} as two messages and sets no sender-chosen correlation id.
 */
class MailHeaderFilteringTest extends CamelTestSupport {

    private static final String QUEUE = "jms:queue:inbox";

    private ScriptedPop3Server server;
    private EmbeddedActiveMQ broker;
    private Path brokerDir;

    @AfterEach
    void stopServers() throws Exception {
        if (server != null) {
            server.close();
        }
        if (broker != null) {
            context.stop();
            broker.stop();
            InVMConnector.resetThreadPool();
            try (Stream<Path> files = Files.walk(brokerDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static Mail mail(int number, String uid, String headers) {
        return new Mail(number, uid, headers + "Subject: " + uid + "\r\n\r\nbody of " + uid + "\r\n");
    }

    private void route(Script script, String options, String to) throws Exception {
        server = ScriptedPop3Server.start(script);
        String uri = "pop3lite:127.0.0.1:" + server.port() + "?username=" + USER + "&pipelining=announced" + "&password=" + PASSWORD
                     + "&initialDelay=0&repeatCount=1&mailboxId=" + TestMailboxes.fresh(USER) + options;
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").to(to);
            }
        });
    }

    private void startBroker() throws Exception {
        brokerDir = Files.createTempDirectory("pop3lite-test-artemis");
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("pop3lite-test").setPersistenceEnabled(false).setSecurityEnabled(false)
                .setJMXManagementEnabled(false);
        config.setBrokerInstance(brokerDir.toFile());
        config.addAcceptorConfiguration("in-vm", "vm://0");
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
        context.addComponent("jms", JmsComponent.jmsComponentAutoAcknowledge(new ActiveMQConnectionFactory("vm://0")));
    }

    @Test
    void theExchangeAProducerGetsCarriesNoControlHeader() throws Exception {
        List<String> names = MailHeaderFilterStrategyTest.controlNames().toList();
        StringBuilder headers = new StringBuilder();
        for (String name : names) {
            // as a sender might write them: any case
            headers.append(name.toLowerCase(java.util.Locale.ROOT).hashCode() % 2 == 0 ? name.toUpperCase(java.util.Locale.ROOT) : name)
                    .append(": forged\r\n");
        }
        headers.append("X-Mailer: kept\r\nList-Id: <list.example.com>\r\n");
        Mail mail = mail(1, "forged", headers.toString());
        route(drained(mail), "", "mock:out");
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedMessageCount(1);
        out.assertIsSatisfied();
        Message in = out.getReceivedExchanges().get(0).getIn();
        for (String name : names) {
            assertFalse(in.getHeaders().containsKey(name), name + " reached the producer");
        }
        assertEquals("forged", in.getHeader("Subject"));
        assertEquals("kept", in.getHeader("X-Mailer"));
        assertEquals("<list.example.com>", in.getHeader("List-Id"));
        assertNull(in.getHeader(Exchange.HTTP_URI));
    }

    @Test
    void twoMailsWithOneArtemisDuplicateIdBothArriveOnTheQueue() throws Exception {
        startBroker();
        String forged = "_AMQ_DUPL_ID: same-id\r\nJMSCorrelationID: chosen-by-sender\r\nJMSType: forged\r\n";
        route(drained(mail(1, "first", forged), mail(2, "second", forged)), "", QUEUE);
        Exchange first = consumer.receive(QUEUE, 10_000);
        Exchange second = consumer.receive(QUEUE, 10_000);
        assertNotNull(first, "the first mail arrived");
        assertNotNull(second, "the second mail arrived: Artemis did not take it for a duplicate");
        assertEquals(List.of("first", "second"), List.of(first.getIn().getHeader("Subject"), second.getIn().getHeader("Subject")));
        for (Exchange e : List.of(first, second)) {
            assertNotEquals("chosen-by-sender", e.getIn().getHeader("JMSCorrelationID"));
            assertNotEquals("forged", e.getIn().getHeader("JMSType"));
        }
        server.awaitScriptDone();
    }

    /** Shows what the default filter prevents: with a filter that keeps everything, Artemis drops the second mail. */
    @Test
    void withAFilterThatKeepsEverythingArtemisDropsTheSecondMail() throws Exception {
        startBroker();
        context.getRegistry().bind("keepAll", new MailHeadersTest.PassEverything());
        String forged = "_AMQ_DUPL_ID: same-id\r\nJMSCorrelationID: chosen-by-sender\r\n";
        route(drained(mail(1, "first", forged), mail(2, "second", forged)), "&headerFilterStrategy=#keepAll", QUEUE);
        Exchange first = consumer.receive(QUEUE, 10_000);
        assertNotNull(first);
        assertEquals("chosen-by-sender", first.getIn().getHeader("JMSCorrelationID"));
        // both were routed and deleted from the mailbox, but the broker kept one
        server.awaitScriptDone();
        assertNull(consumer.receive(QUEUE, 1_000), "Artemis dropped the second mail as a duplicate");
        assertTrue(server.received().contains("DELE 2"));
    }
}
