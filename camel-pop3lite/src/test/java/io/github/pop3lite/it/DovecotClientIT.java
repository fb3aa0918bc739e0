package io.github.pop3lite.it;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.pop3lite.client.AuthenticationMethod;
import io.github.pop3lite.client.MaildropStatus;
import io.github.pop3lite.client.MessageSize;
import io.github.pop3lite.client.MessageUid;
import io.github.pop3lite.client.Pop3AuthenticationException;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;
import io.github.pop3lite.client.Pop3SecurityException;
import io.github.pop3lite.client.Pop3TemporaryFailureException;
import io.github.pop3lite.client.ResponseCode;
import io.github.pop3lite.client.Security;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine against a real Dovecot 2.3: logins, TLS, listings and byte-exact message data. */
class DovecotClientIT extends DovecotTestSupport {


    @Override
    String user() {
        return "alice";
    }

    private Pop3ClientOptions.Builder options(Security security) throws Exception {
        return Pop3ClientOptions.builder(dovecot.host())
                .port(security == Security.TLS ? dovecot.pop3sPort() : dovecot.pop3Port())
                .security(security)
                .sslContext(dovecot.sslContext())
                .readTimeout(Duration.ofSeconds(30));
    }

    private static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    @Test
    void userPassLoginAndStat() throws Exception {
        dovecot.deliver("alice", crlf("Subject: one\n\nbody one\n"));
        dovecot.deliver("alice", crlf("Subject: two\n\nbody two\n"));
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE).authentication(AuthenticationMethod.USER).build())) {
            pop3.login("alice", dovecot.password("alice"));
            MaildropStatus status = pop3.stat();
            assertEquals(2, status.count());
            List<MessageSize> sizes = pop3.list();
            assertEquals(status.size(), sizes.stream().mapToLong(MessageSize::size).sum());
            assertTrue(pop3.quit());
        }
    }

    @Test
    void apopLoginWithDigestOnly() throws Exception {
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE)
                .authentication(AuthenticationMethod.APOP).apopFallback(false).build())) {
            assertTrue(pop3.apopTimestamp().isPresent(), "Dovecot's greeting carries an APOP timestamp");
            pop3.login("alice", dovecot.password("alice"));
            assertEquals(0, pop3.stat().count());
            assertTrue(pop3.quit());
        }
    }

    @Test
    void wrongApopSecretIsAnAuthenticationFailure() throws Exception {
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE)
                .authentication(AuthenticationMethod.APOP).apopFallback(false).build())) {
            Pop3AuthenticationException e = assertThrows(Pop3AuthenticationException.class,
                    () -> pop3.login("alice", "wrong"));
            assertEquals(ResponseCode.AUTH, e.responseCode());
        }
    }

    @Test
    void stlsUpgradesBeforeLoginAndCapabilitiesAreAskedAgain() throws Exception {
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.STARTTLS).build())) {
            assertTrue(pop3.isEncrypted());
            assertFalse(pop3.capabilities().has("STLS"), "after STLS Dovecot no longer offers it");
            pop3.login("alice", dovecot.password("alice"));
            assertEquals(0, pop3.stat().count());
            assertTrue(pop3.quit());
        }
    }

    @Test
    void implicitTlsWithTheServersCertificateTrusted() throws Exception {
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.TLS).build())) {
            assertTrue(pop3.isEncrypted());
            pop3.login("alice", dovecot.password("alice"));
            assertTrue(pop3.quit());
        }
    }

    @Test
    void implicitTlsRefusesAnUntrustedCertificate() throws Exception {
        Pop3ClientOptions untrusted = Pop3ClientOptions.builder(dovecot.host()).port(dovecot.pop3sPort())
                .security(Security.TLS).build();
        Pop3SecurityException e = assertThrows(Pop3SecurityException.class, () -> Pop3Client.connect(untrusted));
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
    }

    @Test
    void uidlIsStableAcrossSessionsAndTopReturnsHeaderAndFirstLines() throws Exception {
        dovecot.deliver("alice", crlf("Subject: top\n\nline 1\nline 2\nline 3\n"));
        List<MessageUid> first;
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE).build())) {
            pop3.login("alice", dovecot.password("alice"));
            assertTrue(pop3.capabilities().has("UIDL"));
            first = pop3.uidl();
            assertEquals(first.get(0).uid(), pop3.uidl(1));
            byte[] top = readAll(pop3.top(1, 1));
            assertEquals("Subject: top\r\n\r\nline 1\r\n", new String(top, StandardCharsets.ISO_8859_1));
            assertTrue(pop3.quit());
        }
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE).build())) {
            pop3.login("alice", dovecot.password("alice"));
            assertEquals(first, pop3.uidl());
            pop3.quit();
        }
    }

    @Test
    void trickyMessagesComeBackByteForByte() throws Exception {
        StringBuilder longLine = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            longLine.append((char) ('a' + i % 26));
        }
        byte[] eightBit = new byte[256];
        for (int i = 0; i < 256; i++) {
            eightBit[i] = (byte) i;
        }
        String eight = new String(eightBit, StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "")
                .replace("\0", "");
        List<byte[]> messages = List.of(
                crlf("Subject: dots\n\n.\n..\n...\n.x\n. \nend.\n"),
                crlf("Subject: long\n\n" + longLine + "\n"),
                crlf("Subject: 8bit\nContent-Transfer-Encoding: 8bit\n\n" + eight + "\n"),
                crlf("Subject: empty body\n\n"));
        for (byte[] m : messages) {
            dovecot.deliver("alice", m);
        }
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE).build())) {
            pop3.login("alice", dovecot.password("alice"));
            List<MessageSize> sizes = pop3.list();
            assertEquals(messages.size(), sizes.size());
            Set<String> received = new java.util.HashSet<>();
            for (MessageSize size : sizes) {
                byte[] data = readAll(pop3.retr(size.number()));
                assertEquals(size.size(), data.length, "LIST size of message " + size.number());
                received.add(new String(data, StandardCharsets.ISO_8859_1));
            }
            // Dovecot may list new mail in any order: compare as a set
            assertEquals(messages.stream().map(m -> new String(m, StandardCharsets.ISO_8859_1)).collect(Collectors.toSet()),
                    received);
            pop3.quit();
        }
    }

    @Test
    void deletionsAreCommittedOnlyByQuit() throws Exception {
        dovecot.deliver("alice", crlf("Subject: a\n\na\n"));
        dovecot.deliver("alice", crlf("Subject: b\n\nb\n"));
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE).build())) {
            pop3.login("alice", dovecot.password("alice"));
            pop3.dele(1);
            // closed without QUIT: Dovecot must forget the deletion
        }
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE).build())) {
            pop3.login("alice", dovecot.password("alice"));
            assertEquals(2, pop3.stat().count());
            pop3.dele(1);
            assertTrue(pop3.quit());
        }
        try (Pop3Client pop3 = Pop3Client.connect(options(Security.NONE).build())) {
            pop3.login("alice", dovecot.password("alice"));
            assertEquals(1, pop3.stat().count());
            pop3.quit();
        }
        assertEquals(1, dovecot.filesInMaildrop("alice"));
    }

    @Test
    void secondSessionOnTheSameMaildropIsTemporarilyRefusedInUse() throws Exception {
        try (Pop3Client first = Pop3Client.connect(options(Security.NONE).build())) {
            first.login("alice", dovecot.password("alice"));
            // Dovecot holds the second login about 10 s before it answers [IN-USE]
            try (Pop3Client second = Pop3Client.connect(options(Security.NONE).build())) {
                Pop3TemporaryFailureException e = assertThrows(Pop3TemporaryFailureException.class,
                        () -> second.login("alice", dovecot.password("alice")));
                assertEquals(ResponseCode.IN_USE, e.responseCode());
            }
            assertTrue(first.quit());
        }
    }
}
