package io.github.pop3lite.client;

import static io.github.pop3lite.client.Pop3ClientScriptedTest.APOP_GREETING;
import static io.github.pop3lite.client.Pop3ClientScriptedTest.GREETING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Implicit TLS and STLS against a scripted server holding a self-signed certificate (checklist 10):
 * injected plaintext, refused or missing STLS, and certificates that name another host.
 */
class Pop3ClientTlsTest {

    private static TestCertificate local;
    private static TestCertificate otherHost;

    @BeforeAll
    static void makeCertificates() {
        local = TestCertificate.forNames(TestCertificate.LOCAL_NAMES);
        otherHost = TestCertificate.forNames("dns:mail.example.org");
    }

    private static Pop3ClientOptions.Builder options(ScriptedPop3Server server, Security security,
            TestCertificate trusted) {
        return server.clientOptions().security(security).sslContext(trusted.clientContext());
    }

    @Test
    void implicitTlsConnectsAndLogsInWithUserAndPass() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .startTls(local.serverContext())
                .send(APOP_GREETING)
                // over TLS, AUTO prefers USER/PASS to APOP and its MD5
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK\r\n")
                .expect("QUIT").send("+OK\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(options(server, Security.TLS, local).build())) {
                assertTrue(client.isEncrypted());
                client.login("alice", "secret");
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void stlsDiscardsInjectedPlaintextAndAsksCapaAgain() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("CAPA").send("+OK\r\nSTLS\r\nUSER\r\n.\r\n")
                .expect("STLS")
                // an attacker's reply to the CAPA that follows, in the same segment as the +OK
                .send("+OK begin TLS\r\n+OK\r\nINJECTED\r\n.\r\n")
                .startTls(local.serverContext())
                .expect("CAPA").send("+OK\r\nUSER\r\nTOP\r\n.\r\n")
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(options(server, Security.STARTTLS, local).build())) {
                assertTrue(client.isEncrypted());
                assertTrue(client.capabilities().has("TOP"));
                assertFalse(client.capabilities().has("INJECTED"));
                assertFalse(client.capabilities().has("STLS"));
                client.login("alice", "secret");
            }
            server.awaitScriptDone();
            assertEquals(List.of("CAPA", "STLS", "CAPA", "USER alice", "PASS secret"), server.received());
        }
    }

    @Test
    void stlsRefusedInStartTlsModeAbortsBeforeAnyLogin() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("CAPA").send("+OK\r\nSTLS\r\n.\r\n")
                .expect("STLS").send("-ERR TLS not available now\r\n")
                .expectClosed())) {
            Pop3SecurityException e = assertThrows(Pop3SecurityException.class,
                    () -> Pop3Client.connect(options(server, Security.STARTTLS, local).build()));
            assertTrue(e.getMessage().contains("-ERR TLS not available now"), e.getMessage());
            server.awaitScriptDone();
        }
    }

    /** An attacker who strips STLS from CAPA gets no clear-text session. */
    @Test
    void aServerWithoutStlsInCapaIsRefusedInStartTlsMode() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("CAPA").send("+OK\r\nUSER\r\nTOP\r\n.\r\n")
                .expectClosed())) {
            assertThrows(Pop3SecurityException.class,
                    () -> Pop3Client.connect(options(server, Security.STARTTLS, local).build()));
            server.awaitScriptDone();
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedWithImplicitTls() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .expectTlsRefused(otherHost.serverContext()))) {
            Pop3SecurityException e = assertThrows(Pop3SecurityException.class,
                    () -> Pop3Client.connect(options(server, Security.TLS, otherHost).build()));
            assertTrue(e.getMessage().contains("handshake"), e.getMessage());
            server.awaitScriptDone();
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedAfterStls() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("CAPA").send("+OK\r\nSTLS\r\n.\r\n")
                .expect("STLS").send("+OK\r\n")
                .expectTlsRefused(otherHost.serverContext()))) {
            assertThrows(Pop3SecurityException.class,
                    () -> Pop3Client.connect(options(server, Security.STARTTLS, otherHost).build()));
            server.awaitScriptDone();
        }
    }

    /** The control for the two tests above: the same certificate passes when only the name check is off. */
    @Test
    void theSameCertificatePassesWithHostnameVerificationOff() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .startTls(otherHost.serverContext())
                .send(GREETING)
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(options(server, Security.TLS, otherHost)
                    .hostnameVerification(false).build())) {
                assertTrue(client.isEncrypted());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void aCertificateTheJvmDoesNotTrustIsRefused() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .expectTlsRefused(local.serverContext()))) {
            assertThrows(Pop3SecurityException.class, () -> Pop3Client.connect(server.clientOptions()
                    .security(Security.TLS).sslContext(SSLContext.getDefault()).build()));
            server.awaitScriptDone();
        }
    }

    @Test
    void stlsIsRefusedLocallyOnAnEncryptedConnection() throws Exception {
        Script script = ScriptedPop3Server.script().startTls(local.serverContext()).send(GREETING).expectClosed();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(options(server, Security.TLS, local).build())) {
                assertThrows(IllegalStateException.class, client::stls);
            }
            server.awaitScriptDone();
        }
    }
}
