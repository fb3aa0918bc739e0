package io.github.pop3lite.component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import io.github.pop3lite.client.SmallHeap;
import io.github.pop3lite.component.ScriptedSessions.Mail;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.deleOk;
import static io.github.pop3lite.component.ScriptedSessions.loggedIn;
import static io.github.pop3lite.component.ScriptedSessions.quitOk;
import static io.github.pop3lite.component.ScriptedSessions.retr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without spooling (Camel's default), a message listed larger than a quarter of the heap is not downloaded, in
 * the heap of 64 MB of the small-heap surefire execution: it stays on the server with a WARN, and the others are
 * delivered. The script has no RETR for it, so a consumer that asked for it would fail the script.
 */
class InMemoryLimitSmallHeapTest extends CamelTestSupport {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMessageTooLargeForTheHeapStaysOnTheServerAndTheOthersAreDelivered() throws Exception {
        long maxHeap = SmallHeap.assumeSmallHeap("the in-memory limit");
        assertFalse(context.getStreamCachingStrategy().isSpoolEnabled(), "Camel's default: no spooling");
        long limit = Pop3LiteConsumer.inMemoryLimit(false, maxHeap);
        long huge = limit + 1;
        Mail a = Mail.of(1, "uid-a");
        Mail c = Mail.of(3, "uid-c");
        Script script = loggedIn()
                .expect("LIST").send("+OK\r\n1 " + a.size() + "\r\n2 " + huge + "\r\n3 " + c.size() + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 uid-a\r\n2 uid-huge\r\n3 uid-c\r\n.\r\n");
        quitOk(deleOk(deleOk(retr(retr(script, a), c), a), c));
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script); LogCapture logs = new LogCapture()) {
            PollRecorder polls = new PollRecorder();
            context.getRegistry().bind("polls", polls);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3lite:127.0.0.1:" + server.port() + "?username=" + USER + "&password=" + PASSWORD
                         + "&initialDelay=0&repeatCount=1&pipelining=announced&pollStrategy=#polls&mailboxId="
                         + TestMailboxes.fresh(USER))
                            .routeId("pop3").convertBodyTo(String.class).to("mock:out");
                }
            });
            server.awaitScriptDone(Duration.ofSeconds(15));
            polls.awaitPolls(1);

            assertEquals(List.of(2), polls.routedCounts());
            assertEquals(List.of("uid-a", "uid-c"), getMockEndpoint("mock:out").getReceivedExchanges().stream()
                    .map(e -> e.getIn().getHeader(Pop3LiteConstants.UID, String.class)).toList());
            assertEquals(1, logs.at(Level.WARN, "Message 2 (uid uid-huge)").size(), logs.fullText());
            String warning = logs.at(Level.WARN, "Message 2 (uid uid-huge)").get(0).getMessage().getFormattedMessage();
            assertTrue(warning.contains(huge + " octets, more than the " + limit), warning);
            assertTrue(warning.contains("camel.main.streamCachingSpoolEnabled=true"), warning);
            assertEquals(1, logs.at(Level.INFO, "a message over " + limit + " octets").size(), logs.fullText());
        }
    }
}
