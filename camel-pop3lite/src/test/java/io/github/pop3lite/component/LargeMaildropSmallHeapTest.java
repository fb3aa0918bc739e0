package io.github.pop3lite.component;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Connection;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import io.github.pop3lite.client.SmallHeap;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.loggedIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A maildrop of a million small messages (LIST and UIDL of a million entries, the most the engine accepts) polled
 * in delete mode with maxMessagesPerPoll=10000, in the 64 MB heap of the small-heap surefire execution: the poll
 * routes the first 10,000 in maildrop order, deletes them and quits, without running out of heap. The listing and
 * the plan of the poll are kept compact, not as an object per listed message.
 */
class LargeMaildropSmallHeapTest extends CamelTestSupport {

    private static final int MESSAGES = 1_000_000;
    private static final int PER_POLL = 10_000;

    /** Sixteen characters, as Dovecot's ids. */
    private static String uid(int n) {
        return String.format("%08X%08X", n, 0x5eed * n);
    }

    /** Every message has the same length, so that LIST can be made up as it is sent. */
    private static String text(int n) {
        return String.format("Subject: message %07d\r\nMessage-ID: <%07d@example.com>\r\n\r\nbody\r\n", n, n);
    }

    private static final long SIZE = text(1).length();

    /** Sends a listing of a million lines, made up as it is sent. */
    private static Script listing(Script script, String command) {
        return script.expect(command).step("send a " + command + " of " + MESSAGES + " entries", c -> {
            OutputStream out = c.out();
            StringBuilder lines = new StringBuilder(70_000).append("+OK\r\n");
            for (int n = 1; n <= MESSAGES; n++) {
                lines.append(n).append(' ').append(command.equals("UIDL") ? uid(n) : Long.toString(SIZE)).append("\r\n");
                if (lines.length() > 64_000) {
                    out.write(lines.toString().getBytes(StandardCharsets.ISO_8859_1));
                    lines.setLength(0);
                }
            }
            out.write(lines.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        });
    }

    /**
     * Answers RETR and DELE until QUIT: each message may be downloaded once, and deleted once after its download;
     * anything else fails the script.
     */
    private static void serveUntilQuit(Connection c, BitSet retrieved, BitSet deleted) throws Exception {
        // the consumer plans the poll between UIDL and its first RETR: give it longer than a step's usual bound
        c.socket().setSoTimeout(60_000);
        for (String line = c.readLine(); line != null; line = c.readLine()) {
            if (line.equals("QUIT")) {
                c.out().write("+OK bye\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            String[] command = line.split(" ");
            int n = Integer.parseInt(command[1]);
            if (command[0].equals("RETR") && !retrieved.get(n)) {
                retrieved.set(n);
                c.out().write(("+OK " + SIZE + " octets\r\n" + text(n) + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } else if (command[0].equals("DELE") && retrieved.get(n) && !deleted.get(n)) {
                deleted.set(n);
                c.out().write("+OK marked\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                throw new AssertionError("unexpected '" + line + "': message " + n + " retrieved " + retrieved.get(n)
                                         + ", deleted " + deleted.get(n));
            }
        }
        throw new AssertionError("the client closed the connection without QUIT");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aPollOfAMillionMessageMaildropRoutesDeletesAndQuitsIn64Megabytes() throws Exception {
        long maxHeap = SmallHeap.assumeSmallHeap("a poll of a million-message maildrop");
        BitSet retrieved = new BitSet();
        BitSet deleted = new BitSet();
        Script script = listing(listing(loggedIn(), "LIST").expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n"), "UIDL")
                .step("serve RETR and DELE until QUIT", c -> serveUntilQuit(c, retrieved, deleted))
                .expectClosed();
        AtomicInteger routed = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicLong heapAtFirst = new AtomicLong();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            PollRecorder polls = new PollRecorder();
            context.getRegistry().bind("polls", polls);
            // the CamelContext and the scripted server share this heap: what the poll adds is on top of this
            long baseline = SmallHeap.usedHeapAfterGc();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3lite:127.0.0.1:" + server.port() + "?username=" + USER + "&password=" + PASSWORD
                         + "&initialDelay=0&repeatCount=1&pipelining=off&maxMessagesPerPoll=" + PER_POLL
                         + "&pollStrategy=#polls")
                            .routeId("pop3").process(exchange -> {
                                int n = routed.incrementAndGet();
                                if (n == 1) {
                                    // the listing and the plan are held now, for the whole poll
                                    heapAtFirst.set(SmallHeap.usedHeapAfterGc());
                                }
                                if (exchange.getIn().getHeader(Pop3LiteConstants.MESSAGE_NUMBER, Integer.class) != n
                                    || !uid(n).equals(exchange.getIn().getHeader(Pop3LiteConstants.UID, String.class))
                                    || !exchange.getIn().getBody(String.class).equals(text(n))) {
                                    outOfOrder.incrementAndGet();
                                }
                            });
                }
            });
            server.awaitScriptDone(Duration.ofSeconds(200));
            polls.awaitPolls(1);
            context.stop();
            // the JVM's default repository keeps the keys of a poll's messages until a later listing, and no poll
            // follows: the small-heap tests after this one in the JVM need those megabytes
            InMemoryKeyListingRepository.of(USER + "@127.0.0.1:" + server.port()).clear();

            PollRecorder.Poll poll = polls.get(0);
            assertEquals(List.of(PER_POLL), polls.routedCounts(), "one poll, " + PER_POLL + " routed: " + poll);
            assertEquals(0, outOfOrder.get(), "each Exchange is the next message in maildrop order");
            BitSet first = new BitSet();
            first.set(1, PER_POLL + 1);
            assertEquals(first, retrieved, "the first " + PER_POLL + " messages downloaded, once each");
            assertEquals(first, deleted, "and deleted");
            System.out.printf("LargeMaildropSmallHeapTest: %d messages listed (LIST and UIDL, %d-character ids), %d"
                              + " routed and deleted in one poll of %.1f s with -Xmx%dm; used heap after GC at the first"
                              + " Exchange %.1f MB, %.1f MB before the route started%n", MESSAGES, uid(1).length(), PER_POLL,
                    poll.duration().toMillis() / 1000.0, maxHeap >> 20, heapAtFirst.get() / 1048576.0,
                    baseline / 1048576.0);
            assertTrue(heapAtFirst.get() < maxHeap * 3 / 4, "with the listing and the plan held, " + (heapAtFirst.get() >> 20)
                                                            + " MB of " + (maxHeap >> 20) + " MB are in use");
        }
    }
}
