package io.github.pop3lite.client;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that sends its TLS records one octet at a time, each octet well within the socket's read
 * timeout: a TLS read blocks until the whole record is there, so only a deadline for the handshake and
 * for each reply as a whole (kept by the engine's watchdog) ends it in time.
 */
class TlsDripDeadlineTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration DRIP = Duration.ofMillis(100);
    /** Long enough for a loaded machine, far shorter than the drips would take. */
    private static final long SLACK_MILLIS = 2500;

    private static TestCertificate local;

    @BeforeAll
    static void makeCertificate() {
        local = TestCertificate.forNames(TestCertificate.LOCAL_NAMES);
    }

    private static Pop3ClientOptions options(DripProxy proxy) {
        return Pop3ClientOptions.builder("127.0.0.1").port(proxy.port()).security(Security.TLS)
                .sslContext(local.clientContext()).connectTimeout(Duration.ofSeconds(5)).readTimeout(READ_TIMEOUT).build();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void aDrippedHandshakeFailsWithinReadTimeout() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .step("TLS handshake that the client abandons", c -> {
                    try {
                        c.startTls(local.serverContext());
                    } catch (java.io.IOException expected) {
                        // the client gave up
                    }
                }));
             DripProxy proxy = DripProxy.to(server.port())) {
            proxy.startDripping(DRIP);
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> Pop3Client.connect(options(proxy)));
            long elapsed = millisSince(start);
            assertTrue(e.getMessage().contains("TLS handshake with POP3 server 127.0.0.1 port " + proxy.port()
                                               + " did not complete within 1500 ms (readTimeout)"), e.getMessage());
            assertTrue(elapsed >= READ_TIMEOUT.toMillis() - 50 && elapsed < READ_TIMEOUT.toMillis() + SLACK_MILLIS,
                    "the handshake failed after " + elapsed + " ms");
            System.out.println("TLS handshake drip: failed after " + elapsed + " ms (readTimeout 1500 ms)");
        }
    }

    @Test
    void aDrippedReplyRecordFailsWithinReadTimeout() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .startTls(local.serverContext())
                .send("+OK ready\r\n")
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK\r\n")
                .expect("STAT").send("+OK 1 100 " + "x".repeat(200) + "\r\n")
                .stall());
             DripProxy proxy = DripProxy.to(server.port())) {
            try (Pop3Client client = Pop3Client.connect(options(proxy))) {
                client.login("alice", "secret");
                proxy.startDripping(DRIP);
                long start = System.nanoTime();
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, client::stat);
                long elapsed = millisSince(start);
                assertTrue(e.getMessage().contains("within 1500 ms (readTimeout)"), e.getMessage());
                assertTrue(elapsed >= READ_TIMEOUT.toMillis() - 50 && elapsed < READ_TIMEOUT.toMillis() + SLACK_MILLIS,
                        "the reply failed after " + elapsed + " ms; its record alone takes more than 20 s to drip");
                System.out.println("TLS record drip (status line): failed after " + elapsed + " ms (readTimeout 1500 ms)");
            }
        }
    }

    @Test
    void aDrippedMessageRecordFailsByTheMinimumRate() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .startTls(local.serverContext())
                .send("+OK ready\r\n")
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK\r\n")
                .expect("RETR 1").send("+OK\r\n")
                .send(("Subject: x\r\n\r\n" + "line of a long message\r\n".repeat(600)))
                .stall());
             DripProxy proxy = DripProxy.to(server.port())) {
            try (Pop3Client client = Pop3Client.connect(options(proxy))) {
                client.login("alice", "secret");
                InputStream data = client.retr(1);
                proxy.startDripping(DRIP);
                long start = System.nanoTime();
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> data.readAllBytes());
                long elapsed = millisSince(start);
                assertTrue(elapsed < READ_TIMEOUT.toMillis() + SLACK_MILLIS, "the data failed after " + elapsed + " ms");
                System.out.println("TLS record drip (message data): failed after " + elapsed + " ms: " + e.getMessage());
            }
        }
    }
}
