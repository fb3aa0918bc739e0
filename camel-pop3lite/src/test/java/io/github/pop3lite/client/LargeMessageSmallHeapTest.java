package io.github.pop3lite.client;

import static io.github.pop3lite.client.Pop3ClientScriptedTest.loggedIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message larger than the heap streams through the engine's fixed buffer: the surefire execution
 * "small-heap" runs this class with -Xmx64m, and the server makes up the message as it sends it.
 */
class LargeMessageSmallHeapTest {

    private static final long MESSAGE_SIZE = 128L * 1024 * 1024;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void retrOfAMessageTwiceTheHeapStreamsByteExact() throws Exception {
        long maxHeap = SmallHeap.assumeSmallHeap("streaming");
        GeneratedMessage message = GeneratedMessage.ofAtLeast(MESSAGE_SIZE);
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn()
                .expect("RETR 1").send("+OK message follows\r\n")
                .send(message)
                .expect("QUIT").send("+OK\r\n")
                .expectClosed())) {
            MessageDigest sha = GeneratedMessage.sha256();
            long length = 0;
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.login("alice", "secret");
                try (InputStream in = client.retr(1)) {
                    byte[] buffer = new byte[8192];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        sha.update(buffer, 0, n);
                        length += n;
                    }
                }
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
            assertTrue(message.length() >= MESSAGE_SIZE && message.length() > 2 * maxHeap,
                    "the message (" + message.length() + " octets) must be larger than the heap");
            assertEquals(message.length(), length);
            assertEquals(message.sha256Hex(), HexFormat.of().formatHex(sha.digest()));
        }
    }
}
