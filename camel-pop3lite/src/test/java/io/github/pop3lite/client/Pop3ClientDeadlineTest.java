package io.github.pop3lite.client;

import static io.github.pop3lite.client.Pop3ClientScriptedTest.loggedIn;
import static io.github.pop3lite.client.Pop3ClientScriptedTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checklist 12: a server that says nothing, or says it one octet at a time, cannot hold the client
 * longer than its readTimeout; a caller that is slow is not mistaken for a slow server.
 */
class Pop3ClientDeadlineTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(400);

    /** Long enough for a loaded machine; far shorter than the drips below would take to finish. */
    private static final long SLACK_MILLIS = 2500;

    /** Loads the engine's classes and logging first, so that the deadlines measure the engine alone. */
    @BeforeAll
    static void warmUp() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn().expect("QUIT").send("+OK\r\n"))) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.login("alice", "secret");
                client.quit();
            }
            server.awaitScriptDone();
        }
    }

    private static Pop3ClientOptions options(ScriptedPop3Server server) {
        return server.clientOptions().readTimeout(READ_TIMEOUT).build();
    }

    private static void assertFiredInTime(long startNanos) {
        long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(elapsed >= READ_TIMEOUT.toMillis() - 50, "fired after " + elapsed + " ms, before the readTimeout");
        assertTrue(elapsed < READ_TIMEOUT.toMillis() + SLACK_MILLIS, "fired only after " + elapsed + " ms");
    }

    @Test
    void aServerThatNeverGreetsTimesOut() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script().stall())) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> Pop3Client.connect(options(server)));
            assertFiredInTime(start);
            // the client closed the connection, which ends the stall
            server.awaitScriptDone();
        }
    }

    /** Each octet comes well within the socket timeout: only the per-line deadline can stop this. */
    @Test
    void aGreetingDrippedOneOctetAtATimeTimesOut() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .drip("+OK this greeting would take ten seconds" + ".".repeat(60) + "\r\n", Duration.ofMillis(100))
                .stall())) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> Pop3Client.connect(options(server)));
            assertFiredInTime(start);
            server.awaitScriptDone();
        }
    }

    @Test
    void aServerThatStopsAnsweringTimesOut() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn().expect("STAT").stall())) {
            try (Pop3Client client = Pop3Client.connect(options(server))) {
                client.login("alice", "secret");
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, client::stat);
                assertFiredInTime(start);
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void messageDataDrippedWithoutALineEndTimesOut() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn()
                .expect("RETR 1").send("+OK\r\n")
                .drip("x".repeat(200), Duration.ofMillis(40))
                .stall())) {
            try (Pop3Client client = Pop3Client.connect(options(server))) {
                client.login("alice", "secret");
                InputStream message = client.retr(1);
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, message::readAllBytes);
                assertFiredInTime(start);
            }
            server.awaitScriptDone();
        }
    }

    /**
     * The server sends everything at once; the caller takes longer than the readTimeout before it
     * reads. What is waiting on the socket must still be read.
     */
    @Test
    void aCallerSlowerThanTheReadTimeoutIsNotASlowServer() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn()
                .expect("RETR 1").send("+OK\r\n")
                // so that the status line arrives alone and the data needs a read of its own
                .pause(Duration.ofMillis(100))
                .send("Subject: x\r\n\r\nbody\r\n.\r\n")
                .expect("NOOP").send("+OK\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(options(server))) {
                client.login("alice", "secret");
                InputStream message = client.retr(1);
                // the caller is busy elsewhere (this pause is the behaviour under test, not a wait for a condition)
                Thread.sleep(READ_TIMEOUT.toMillis() + 300);
                assertEquals("Subject: x\r\n\r\nbody\r\n", text(message));
                client.noop();
            }
            server.awaitScriptDone();
        }
    }
}
