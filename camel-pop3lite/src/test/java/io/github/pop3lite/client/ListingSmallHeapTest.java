package io.github.pop3lite.client;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.github.pop3lite.client.Pop3ClientScriptedTest.loggedIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LIST and UIDL of a million messages, the most the engine accepts, within a 64 MB heap (the small-heap surefire
 * execution runs this class with -Xmx64m): the listings are kept compact, not as an object per entry. The ids are
 * 24 characters, longer than Dovecot's 16.
 */
class ListingSmallHeapTest {

    private static final int MESSAGES = 1_000_000;

    private static String uid(int n) {
        return String.format("%08X%016X", n, 0x5eedL * n);
    }

    /** Sends a listing of a million lines, made up as it is sent. */
    private static Script listing(Script script, String command, boolean uids) {
        return script.expect(command).step("send a " + command + " of " + MESSAGES + " entries", c -> {
            OutputStream out = c.out();
            StringBuilder lines = new StringBuilder(70_000).append("+OK\r\n");
            for (int n = 1; n <= MESSAGES; n++) {
                lines.append(n).append(' ').append(uids ? uid(n) : Integer.toString(2000 + n % 1000)).append("\r\n");
                if (lines.length() > 64_000) {
                    out.write(lines.toString().getBytes(StandardCharsets.ISO_8859_1));
                    lines.setLength(0);
                }
            }
            out.write(lines.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        });
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aMillionEntriesOfListAndUidlFitA64MegabyteHeap() throws Exception {
        SmallHeap.assumeSmallHeap("compact listings");
        Script script = listing(listing(loggedIn(), "LIST", false), "UIDL", true).expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.login("alice", "secret");
                // the scripted server shares this heap: count only what the listings add
                long before = SmallHeap.usedHeapAfterGc();
                MessageSizeList sizes = client.list();
                MessageUidList uids = client.uidl();
                long used = SmallHeap.usedHeapAfterGc() - before;
                assertEquals(MESSAGES, sizes.size());
                assertEquals(MESSAGES, uids.size());
                assertEquals(new MessageSize(MESSAGES, 2000), sizes.get(MESSAGES - 1));
                assertEquals(2001, sizes.size(0));
                assertEquals(new MessageUid(1, uid(1)), uids.get(0));
                assertEquals(uid(777_777), uids.uid(777_776));
                assertEquals(MESSAGES, uids.number(MESSAGES - 1));
                assertTrue(used < 40L * 1024 * 1024, "both listings held, they take " + (used >> 20) + " MB");
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }
}
