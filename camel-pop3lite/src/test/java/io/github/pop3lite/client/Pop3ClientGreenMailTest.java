package io.github.pop3lite.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine against GreenMail 2.1.8, a real POP3 server in this JVM, on a port the system picks.
 *
 * <p>What GreenMail 2.1.8 does that matters here (read from its sources, tag release-2.1.8, and
 * checked by these tests):
 * <ul>
 * <li>Its greeting is {@code +OK POP3 GreenMail Server v2.1.8 ready}: no APOP timestamp; its APOP
 *     command always answers {@code -ERR APOP not supported}.</li>
 * <li>It stores a delivered message as the bytes it was parsed from (header lines re-terminated
 *     with CRLF, body untouched), and serves RETR as those bytes with leading and trailing
 *     whitespace trimmed ({@code String.trim()}), then CRLF, then the terminator; it stuffs dots
 *     only after CRLF. So a message that ends in one CRLF comes back exactly; one without a final
 *     CRLF gains one.</li>
 * <li>TOP is not dot-stuffed in 2.1.8, so TOP is only used on lines that do not start with a dot.</li>
 * <li>LIST and STAT count {@code MimeMessage.getSize()}: the size of the body, not of the message.</li>
 * <li>DELE sets \Deleted on the stored message itself, shared by all sessions: a session closed
 *     without QUIT leaves the message stored but flagged, hidden from LIST/STAT/UIDL of later
 *     sessions (RETR n and UIDL n still find it), and the next session that QUITs expunges it.</li>
 * <li>RSET answers with two status lines ({@code +OK}, then {@code +OK maildrop has n messages
 *     undeleted.}), so the command after RSET reads the second line as its reply.</li>
 * </ul>
 */
class Pop3ClientGreenMailTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] CRLF = {'\r', '\n'};

    private GreenMail greenMail;
    private GreenMailUser alice;

    @BeforeEach
    void startGreenMail() {
        greenMail = start("127.0.0.1");
    }

    @AfterEach
    void stopGreenMail() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    private GreenMail start(String bindAddress) {
        // port 0: GreenMail binds whatever port the system gives and reports it by getPop3().getPort()
        GreenMail server = new GreenMail(new ServerSetup(0, bindAddress, ServerSetup.PROTOCOL_POP3));
        server.start();
        alice = server.setUser("alice@example.com", USER, PASSWORD);
        return server;
    }

    // ---------------------------------------------------------------- login

    @Test
    void greenMailListensOnTheDynamicPort() throws IOException {
        int port = greenMail.getPop3().getPort();
        assertNotEquals(0, port);
        assertEquals(port, greenMail.getPop3().getServerSetup().getPort(), "setup is updated after the bind");
        try (Pop3Client pop3 = connect(options())) {
            assertTrue(pop3.greeting().ok());
            assertTrue(pop3.greeting().text().startsWith("POP3 GreenMail Server"), pop3.greeting().line());
            assertTrue(pop3.isLoopback());
            assertFalse(pop3.isEncrypted());
            assertEquals(Pop3State.AUTHORIZATION, pop3.state());
        }
    }

    @Test
    void userPassLogin() throws IOException {
        deliver(message("one", "hello\r\n"));
        try (Pop3Client pop3 = connect(options().authentication(AuthenticationMethod.USER))) {
            pop3.login(USER, PASSWORD);
            assertEquals(Pop3State.TRANSACTION, pop3.state());
            assertEquals(1, pop3.stat().count());
            assertTrue(pop3.quit());
            assertEquals(Pop3State.CLOSED, pop3.state());
        }
    }

    @Test
    void greenMailHasNoApopSoAutoLogsInWithUserPass() throws IOException {
        try (Pop3Client pop3 = connect(options())) {
            // the greeting carries no <timestamp>, so AUTO does not even try APOP
            assertFalse(pop3.greeting().text().contains("<"), pop3.greeting().line());
            assertTrue(pop3.apopTimestamp().isEmpty());
            pop3.login(USER, PASSWORD);
            assertEquals(Pop3State.TRANSACTION, pop3.state());
            assertTrue(pop3.quit());
        }
    }

    @Test
    void apopRequestedFallsBackToUserPassOnlyWhenAllowed() throws IOException {
        try (Pop3Client pop3 = connect(options().authentication(AuthenticationMethod.APOP))) {
            pop3.login(USER, PASSWORD);
            assertEquals(Pop3State.TRANSACTION, pop3.state());
            assertTrue(pop3.quit());
        }
        try (Pop3Client pop3 = connect(options().authentication(AuthenticationMethod.APOP).apopFallback(false))) {
            assertThrows(Pop3SecurityException.class, () -> pop3.login(USER, PASSWORD));
            assertThrows(Pop3SecurityException.class, () -> pop3.apop(USER, PASSWORD));
            // nothing was sent: the session is still usable
            assertEquals(Pop3State.AUTHORIZATION, pop3.state());
            pop3.user(USER);
            pop3.pass(PASSWORD);
            assertEquals(Pop3State.TRANSACTION, pop3.state());
            pop3.noop();
            assertTrue(pop3.quit());
        }
    }

    @Test
    void greenMailRefusesTheApopCommand() throws IOException {
        // what the engine would meet if it sent APOP anyway: checked on a raw socket
        try (Socket socket = new Socket("127.0.0.1", greenMail.getPop3().getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            assertTrue(in.readLine().startsWith("+OK"));
            out.write(("APOP " + USER + " " + Apop.digest("<1.2@x>", PASSWORD) + "\r\n").getBytes(ISO_8859_1));
            out.flush();
            assertEquals("-ERR APOP not supported", in.readLine());
            out.write("QUIT\r\n".getBytes(ISO_8859_1));
            out.flush();
            assertTrue(in.readLine().startsWith("+OK"));
        }
    }

    @Test
    void wrongPasswordIsAnAuthenticationFailureAndTheSessionMayRetry() throws IOException {
        try (Pop3Client pop3 = connect(options())) {
            Pop3AuthenticationException e = assertThrows(Pop3AuthenticationException.class,
                    () -> pop3.login(USER, "wrong"));
            assertEquals("PASS", e.command());
            assertFalse(e.reply().ok());
            assertFalse(e.getMessage().contains("wrong"), "the password must not appear in the message");
            assertEquals(Pop3State.AUTHORIZATION, pop3.state());
            assertThrows(IllegalStateException.class, pop3::stat);

            pop3.login(USER, PASSWORD);
            assertEquals(Pop3State.TRANSACTION, pop3.state());
            assertTrue(pop3.quit());
        }
    }

    @Test
    void unknownUserIsAnAuthenticationFailure() throws IOException {
        try (Pop3Client pop3 = connect(options())) {
            Pop3AuthenticationException e = assertThrows(Pop3AuthenticationException.class,
                    () -> pop3.login("mallory", PASSWORD));
            assertEquals("USER", e.command());
        }
    }

    // ---------------------------------------------------------------- transaction

    @Test
    void statListUidlNoopQuitAgreeWithGreenMail() throws Exception {
        byte[][] raw = {
                message("first", "one\r\n"),
                message("second", "two two\r\nand more\r\n"),
                message("third", "three three three\r\n")};
        for (byte[] m : raw) {
            deliver(m);
        }
        List<StoredMessage> stored = inbox();
        try (Pop3Client pop3 = session()) {
            MaildropStatus stat = pop3.stat();
            assertEquals(3, stat.count());
            long total = 0;
            for (StoredMessage m : stored) {
                total += m.getMimeMessage().getSize();
            }
            assertEquals(total, stat.size());

            List<MessageSize> list = pop3.list();
            assertEquals(3, list.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(i + 1, list.get(i).number());
                assertEquals(stored.get(i).getMimeMessage().getSize(), list.get(i).size());
                // GreenMail reports the body size, not the message size RFC 1939 asks for
                assertEquals(bodyLength(raw[i]), list.get(i).size());
                assertEquals(list.get(i).size(), pop3.list(i + 1));
            }

            List<MessageUid> uidl = pop3.uidl();
            assertEquals(3, uidl.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(i + 1, uidl.get(i).number());
                assertEquals(Long.toString(stored.get(i).getUid()), uidl.get(i).uid());
                assertEquals(uidl.get(i).uid(), pop3.uidl(i + 1));
            }

            assertThrows(Pop3ReplyException.class, () -> pop3.list(4));
            assertThrows(Pop3ReplyException.class, () -> pop3.retr(4));
            pop3.noop();
            assertEquals(3, pop3.stat().count(), "the session is still in step after refusals");
            assertTrue(pop3.quit());
            assertEquals(Pop3State.CLOSED, pop3.state());
            assertThrows(IllegalStateException.class, pop3::noop);
        }
        // unique ids are stable across sessions
        try (Pop3Client pop3 = session()) {
            assertEquals(Long.toString(stored.get(1).getUid()), pop3.uidl(2));
        }
    }

    @Test
    void emptyMaildrop() throws IOException {
        try (Pop3Client pop3 = session()) {
            assertEquals(new MaildropStatus(0, 0), pop3.stat());
            assertEquals(List.of(), pop3.list());
            assertEquals(List.of(), pop3.uidl());
            assertThrows(Pop3ReplyException.class, () -> pop3.retr(1));
            assertTrue(pop3.quit());
        }
    }

    @Test
    void topGivesTheHeaderAndTheFirstLinesOfTheBody() throws Exception {
        byte[] raw = message("top", "line 1\r\nline 2\r\nline 3\r\nline 4\r\n");
        deliver(raw);
        byte[] header = Arrays.copyOf(raw, headerLength(raw));
        try (Pop3Client pop3 = session()) {
            assertArrayEquals(header, readAll(pop3.top(1, 0)), "TOP 1 0: header and the blank line");
            assertArrayEquals(concat(header, "line 1\r\nline 2\r\n".getBytes(ISO_8859_1)), readAll(pop3.top(1, 2)));
            assertArrayEquals(raw, readAll(pop3.retr(1)));

            // a stream left half read is finished by the next command
            InputStream partial = pop3.retr(1);
            assertEquals('F', partial.read());
            pop3.noop();
            assertArrayEquals(header, readAll(pop3.top(1, 0)));
            assertTrue(pop3.quit());
        }
    }

    @Test
    void deleWithoutQuitRemovesNothing() throws Exception {
        byte[] first = message("first", "keep me\r\n");
        deliver(first);
        deliver(message("second", "me too\r\n"));
        long firstUid = inbox().get(0).getUid();

        Pop3Client pop3 = session();
        pop3.dele(1);
        assertEquals(1, pop3.stat().count(), "marked deleted in the session");
        pop3.close();
        assertEquals(Pop3State.CLOSED, pop3.state());

        // GreenMail's view: both messages are still stored (only a QUIT would have expunged one);
        // GreenMail leaves the session's \Deleted flag on the shared stored message
        List<StoredMessage> stored = inbox();
        assertEquals(2, stored.size());
        assertEquals(firstUid, stored.get(0).getUid());
        assertTrue(stored.get(0).isSet(Flags.Flag.DELETED));

        // a new session can still fetch it (GreenMail hides it from LIST/STAT/UIDL because of that flag)
        try (Pop3Client again = session()) {
            assertEquals(Long.toString(firstUid), again.uidl(1));
            assertArrayEquals(first, readAll(again.retr(1)));
            // close, not quit: GreenMail would expunge the still flagged message on any session's QUIT
        }
        assertEquals(2, inbox().size());
    }

    @Test
    void deleThenQuitRemovesTheMessage() throws Exception {
        deliver(message("first", "delete me\r\n"));
        byte[] second = message("second", "keep me\r\n");
        deliver(second);
        long secondUid = inbox().get(1).getUid();

        try (Pop3Client pop3 = session()) {
            pop3.dele(1);
            assertThrows(Pop3ReplyException.class, () -> pop3.dele(1), "already deleted");
            assertTrue(pop3.quit(), "QUIT answered +OK: the deletion is committed");
        }
        // quit() returned after the +OK that GreenMail sends once it has expunged
        List<StoredMessage> stored = inbox();
        assertEquals(1, stored.size());
        assertEquals(secondUid, stored.get(0).getUid());

        try (Pop3Client pop3 = session()) {
            assertEquals(1, pop3.stat().count());
            assertEquals(List.of(new MessageUid(1, Long.toString(secondUid))), pop3.uidl());
            assertArrayEquals(second, readAll(pop3.retr(1)));
            assertTrue(pop3.quit());
        }
        assertEquals(1, inbox().size());
    }

    @Test
    void rsetUndoesDele() throws Exception {
        deliver(message("first", "one\r\n"));
        deliver(message("second", "two\r\n"));
        List<StoredMessage> before = inbox();

        try (Pop3Client pop3 = session()) {
            pop3.dele(1);
            pop3.dele(2);
            assertEquals(0, pop3.stat().count());
            pop3.rset();
            // GreenMail 2.1.8 answers RSET with a second status line ("+OK maildrop has 2 messages
            // undeleted."), sent after it has cleared the flags. Only QUIT may follow here: it reads that
            // line as its answer, whatever the server does, and then ends the session.
            assertTrue(pop3.quit());
        }
        List<StoredMessage> after = inbox();
        assertEquals(2, after.size());
        for (StoredMessage m : after) {
            assertFalse(m.isSet(Flags.Flag.DELETED));
        }
        try (Pop3Client pop3 = session()) {
            assertEquals(2, pop3.stat().count());
            List<MessageUid> uids = pop3.uidl();
            assertEquals(Long.toString(before.get(0).getUid()), uids.get(0).uid());
            assertEquals(Long.toString(before.get(1).getUid()), uids.get(1).uid());
            assertTrue(pop3.quit());
        }
        assertEquals(2, inbox().size());
    }

    // ---------------------------------------------------------------- byte-exact data

    @Test
    void retrIsByteExact() throws Exception {
        byte[] dots = message("dots", "first\r\n.\r\n..\r\n.x\r\n...\r\n. \r\n.\r\nlast\r\n");
        byte[] leadingDot = message("leading dot", ".starts the body\r\nend\r\n");

        ByteArrayOutputStream eight = new ByteArrayOutputStream();
        eight.writeBytes(("From: bob@example.com\r\nTo: alice@example.com\r\nSubject: 8bit\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n").getBytes(ISO_8859_1));
        eight.writeBytes("Gr\u00fc\u00dfe, caf\u00e9, na\u00efve: ".getBytes(ISO_8859_1));
        for (int b = 0x80; b <= 0xff; b++) {
            eight.write(b);
        }
        eight.writeBytes(CRLF);
        byte[] eightBit = eight.toByteArray();

        StringBuilder longLine = new StringBuilder(100_001).append('.');
        for (int i = 0; longLine.length() < 100_000; i++) {
            longLine.append((char) ('a' + i % 26));
        }
        byte[] longMessage = message("long", "before\r\n" + longLine + "\r\nafter\r\n");

        byte[] noFinalCrlf = message("no final CRLF", "first line\r\nlast line without CRLF");

        byte[][] originals = {dots, leadingDot, eightBit, longMessage, noFinalCrlf};
        for (byte[] m : originals) {
            deliver(m);
        }
        List<StoredMessage> stored = inbox();
        for (int i = 0; i < originals.length; i++) {
            assertArrayEquals(originals[i], storedBytes(stored.get(i)), "GreenMail stores message " + (i + 1) + " as sent");
        }

        try (Pop3Client pop3 = session()) {
            for (int i = 0; i < originals.length; i++) {
                byte[] received = readAll(pop3.retr(i + 1));
                // what GreenMail's RETR writes before dot-stuffing: the stored message trimmed, then CRLF
                byte[] served = (GreenMailUtil.getWholeMessage(stored.get(i).getMimeMessage()) + "\r\n")
                        .getBytes(ISO_8859_1);
                assertArrayEquals(served, received, "RETR " + (i + 1) + " gives what GreenMail serves");
                byte[] expected = i == originals.length - 1
                        // RFC 1939: the server ends the data with CRLF before the terminator
                        ? concat(originals[i], CRLF)
                        : originals[i];
                assertArrayEquals(expected, received, "RETR " + (i + 1) + " gives the message as delivered");
            }
            // and again, in the other order, in the same session
            for (int i = originals.length - 1; i >= 0; i--) {
                assertEquals(stored.get(i).getUid(), Long.parseLong(pop3.uidl(i + 1)));
                assertArrayEquals(i == originals.length - 1 ? concat(originals[i], CRLF) : originals[i],
                        readAll(pop3.retr(i + 1)));
            }
            assertTrue(pop3.quit());
        }
    }

    // ---------------------------------------------------------------- IPv6

    @Test
    void sessionOverIpv6Loopback() throws Exception {
        assumeTrue(canBind("::1"), "this machine cannot bind ::1 (no IPv6 loopback): IPv6 session not tested");
        greenMail.stop();
        greenMail = start("::1");
        byte[] raw = message("v6", "over IPv6\r\n");
        deliver(raw);
        Pop3ClientOptions options = Pop3ClientOptions.builder("[::1]").port(greenMail.getPop3().getPort())
                .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).build();
        try (Pop3Client pop3 = Pop3Client.connect(options)) {
            assertTrue(pop3.isLoopback());
            pop3.login(USER, PASSWORD);
            assertEquals(1, pop3.stat().count());
            assertArrayEquals(raw, readAll(pop3.retr(1)));
            assertTrue(pop3.quit());
        }
    }

    // ---------------------------------------------------------------- helpers

    private Pop3ClientOptions.Builder options() {
        return Pop3ClientOptions.builder("127.0.0.1").port(greenMail.getPop3().getPort())
                .connectTimeout(TIMEOUT).readTimeout(TIMEOUT);
    }

    private static Pop3Client connect(Pop3ClientOptions.Builder options) throws IOException {
        return Pop3Client.connect(options.build());
    }

    private Pop3Client session() throws IOException {
        Pop3Client pop3 = connect(options());
        pop3.login(USER, PASSWORD);
        return pop3;
    }

    private static byte[] message(String subject, String body) {
        return ("From: bob@example.com\r\nTo: alice@example.com\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.com>\r\n\r\n" + body)
                .getBytes(ISO_8859_1);
    }

    /** Delivers the bytes to alice's inbox as GreenMail parses them, without SMTP. */
    private void deliver(byte[] raw) {
        alice.deliver(GreenMailUtil.newMimeMessage(new ByteArrayInputStream(raw)));
    }

    private List<StoredMessage> inbox() throws FolderException {
        return greenMail.getManagers().getImapHostManager().getInbox(alice).getMessages();
    }

    /** The bytes GreenMail holds for a message. */
    private static byte[] storedBytes(StoredMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.getMimeMessage().writeTo(out);
        return out.toByteArray();
    }

    /** Header, blank line included. */
    private static int headerLength(byte[] raw) {
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                return i + 4;
            }
        }
        throw new IllegalArgumentException("no blank line");
    }

    private static int bodyLength(byte[] raw) {
        return raw.length - headerLength(raw);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static boolean canBind(String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
