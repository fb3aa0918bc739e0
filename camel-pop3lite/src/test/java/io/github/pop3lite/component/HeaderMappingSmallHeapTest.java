package io.github.pop3lite.component;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.SmallHeap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.loggedIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * One header line of 40 MB goes through the header mapping in a heap of 64 MB (the small-heap surefire
 * execution): the mapping reads a bounded part of it (1 MiB), skips the field and what follows it, and the
 * message is delivered whole.
 */
class HeaderMappingSmallHeapTest extends CamelTestSupport {

    private static final int LINE = 40 * 1024 * 1024;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        // the message itself goes to a spool file, as the docs tell users to configure: only the mapping is measured
        return MailCorpus.spoolingToDisk(super.createCamelContext(), Path.of("target", "header-spool-" + System.nanoTime()));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHeaderLineOfTensOfMegabytesIsSkippedAndTheMessageDelivered() throws Exception {
        SmallHeap.assumeSmallHeap("bounded header mapping");
        byte[] head = "Subject: kept\r\nFrom: a@example.com\r\nX-Huge: ".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\nX-After: not read\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        long size = head.length + (long) LINE + tail.length;
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn()
                .expect("LIST").send("+OK\r\n1 " + size + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 huge\r\n.\r\n")
                .expect("RETR 1").send("+OK\r\n")
                .step("send a header line of " + LINE + " octets", c -> {
                    OutputStream out = c.out();
                    out.write(head);
                    byte[] chunk = new byte[64 * 1024];
                    Arrays.fill(chunk, (byte) 'x');
                    for (int i = 0; i < LINE / chunk.length; i++) {
                        out.write(chunk);
                    }
                    out.write(tail);
                    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                })
                .expect("DELE 1").send("+OK\r\n")
                .expect("QUIT").send("+OK\r\n").expectClosed())) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3lite:127.0.0.1:" + server.port() + "?username=" + USER + "&pipelining=announced" + "&password=" + PASSWORD
                         + "&initialDelay=0&repeatCount=1&readTimeout=20000&mailboxId=" + TestMailboxes.fresh(USER))
                            .to("mock:out");
                }
            });
            MockEndpoint out = getMockEndpoint("mock:out");
            out.expectedMessageCount(1);
            out.assertIsSatisfied(30_000);
            server.awaitScriptDone();
            Exchange exchange = out.getReceivedExchanges().get(0);
            assertEquals("kept", exchange.getIn().getHeader("Subject"));
            assertEquals("a@example.com", exchange.getIn().getHeader("From"));
            assertFalse(exchange.getIn().getHeaders().containsKey("X-Huge"));
            // past the bound of the header block, which the line alone exceeds
            assertFalse(exchange.getIn().getHeaders().containsKey("X-After"));
            assertEquals(size, exchange.getIn().getHeader(Pop3LiteConstants.SIZE, Long.class));
        }
    }
}
