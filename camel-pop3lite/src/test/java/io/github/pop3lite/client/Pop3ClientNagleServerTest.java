package io.github.pop3lite.client;

import java.time.Duration;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.client.Pop3ClientScriptedTest.loggedIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that writes each reply's status line and data in two small writes with Nagle's algorithm on
 * holds the data until the status line is acknowledged. A client that delays its ACKs (40 ms on Linux)
 * then waits that long for every reply; the engine arms quick ACKs before each read so it does not.
 * Measured on Linux: 44 ms per RETR reply without, 0.3 ms with (docs/performance.md). The bound below
 * leaves ample slack for a loaded machine: it fails only when most replies wait for a delayed ACK.
 */
class Pop3ClientNagleServerTest {

    private static final int MESSAGES = 50;
    private static final Duration DELAYED_ACK = Duration.ofMillis(40);

    @Test
    void repliesWrittenInPiecesWithNagleOnDoNotWaitForDelayedAcks() throws Exception {
        String data = "Subject: x\r\n\r\n" + "a line of text\r\n".repeat(100);
        Script script = loggedIn().step("turn Nagle's algorithm on", c -> c.socket().setTcpNoDelay(false));
        for (int i = 1; i <= MESSAGES; i++) {
            script.expect("RETR " + i).send("+OK " + data.length() + " octets\r\n").send(data + ".\r\n");
        }
        script.expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().pipelining(Pipelining.OFF).build())) {
                client.login("alice", "secret");
                long start = System.nanoTime();
                for (int i = 1; i <= MESSAGES; i++) {
                    assertEquals(data, Pop3ClientScriptedTest.text(client.retr(i)));
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(DELAYED_ACK.multipliedBy(MESSAGES / 2)) < 0,
                        MESSAGES + " replies took " + took.toMillis() + " ms: they waited for delayed ACKs");
                client.quit();
            }
            server.awaitScriptDone();
        }
    }
}
