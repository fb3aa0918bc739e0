package io.github.pop3lite.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole sessions through {@link Pop3Client#connect} against a scripted server: what goes over the
 * wire for each command, what each reply turns into, and what is refused before anything is sent.
 */
class Pop3ClientScriptedTest {

    static final String GREETING = "+OK POP3 ready\r\n";
    static final String RFC_TIMESTAMP = "<1896.697170952@dbc.mtview.ca.us>";
    static final String APOP_GREETING = "+OK POP3 server ready " + RFC_TIMESTAMP + "\r\n";

    /** Greeting without an APOP timestamp, then a USER/PASS login of alice. */
    static Script loggedIn() {
        return ScriptedPop3Server.script()
                .send(GREETING)
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK maildrop locked and ready\r\n");
    }

    static Pop3Client connect(ScriptedPop3Server server) throws IOException {
        return Pop3Client.connect(server.clientOptions().build());
    }

    static Pop3Client connectAndLogin(ScriptedPop3Server server) throws IOException {
        Pop3Client client = connect(server);
        client.login("alice", "secret");
        return client;
    }

    /** The rest of a message, one character per octet. */
    static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @FunctionalInterface
    interface Session {
        void run(Pop3Client client) throws Exception;
    }

    /** Connects with the server's default client options, runs the session, closes, and checks the script. */
    static void session(Script script, Session session) throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = connect(server)) {
                session.run(client);
            }
            server.awaitScriptDone();
        }
    }

    // ---- connecting ----

    @Test
    void connectsOverIpv4AndReadsTheGreeting() throws Exception {
        session(ScriptedPop3Server.script().send(GREETING).expect("QUIT").send("+OK bye\r\n").expectClosed(), client -> {
            assertTrue(client.greeting().ok());
            assertEquals("POP3 ready", client.greeting().text());
            assertEquals(Pop3State.AUTHORIZATION, client.state());
            assertTrue(client.isLoopback());
            assertFalse(client.isEncrypted());
            assertTrue(client.apopTimestamp().isEmpty());
            assertTrue(client.quit());
            assertEquals(Pop3State.CLOSED, client.state());
        });
    }

    /** Checklist 15: an IPv6-only server. */
    @ParameterizedTest(name = "host {0}")
    @ValueSource(strings = {"::1", "[::1]"})
    void connectsOverIpv6(String host) throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        assumeTrue(canBind(loopback6), "SKIPPED: this machine cannot bind [::1], so the IPv6 test cannot run");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loopback6,
                loggedIn().expect("QUIT").send("+OK\r\n").expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(Pop3ClientOptions.builder(host).port(server.port()).build())) {
                assertTrue(client.isLoopback());
                client.login("alice", "secret");
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }

    private static boolean canBind(InetAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aClosedPortGivesAConnectExceptionNamingHostAndPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        ConnectException e = assertThrows(ConnectException.class,
                () -> Pop3Client.connect(Pop3ClientOptions.builder("127.0.0.1").port(port).build()));
        assertTrue(e.getMessage().contains("127.0.0.1 port " + port), e.getMessage());
    }

    /** Checklist 15: a host whose first address is dead is reached at its next one. */
    @Test
    void aDeadFirstAddressIsSkippedForTheNextOne() throws Exception {
        Script script = ScriptedPop3Server.script().send(GREETING).expectClosed();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            // nothing listens on this port at ::1 (or the machine has no IPv6): either way that address is dead
            InetAddress[] addresses = {InetAddress.getByName("::1"), server.address()};
            try (Socket socket = Connector.connect(addresses, server.clientOptions().build())) {
                assertEquals(server.address(), socket.getInetAddress());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void whenEveryAddressIsDeadTheErrorListsEachOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        InetAddress[] addresses = {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")};
        ConnectException e = assertThrows(ConnectException.class,
                () -> Connector.connect(addresses, Pop3ClientOptions.builder("mail.example").port(port).build()));
        assertTrue(e.getMessage().contains("mail.example port " + port), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1 (") && e.getMessage().contains("0:0:0:0:0:0:0:1 ("), e.getMessage());
    }

    // ---- the greeting (checklist 13) ----

    @Test
    void aGreetingErrIsAReplyExceptionAndTheConnectionIsClosed() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                ScriptedPop3Server.script().send("-ERR too many connections\r\n").expectClosed())) {
            Pop3ReplyException e = assertThrows(Pop3ReplyException.class, () -> connect(server));
            assertEquals(Pop3ReplyException.class, e.getClass());
            assertEquals("-ERR too many connections", e.reply().line());
            server.awaitScriptDone();
        }
    }

    @Test
    void aGreetingErrWithSysTempIsATemporaryFailure() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                ScriptedPop3Server.script().send("-ERR [SYS/TEMP] overloaded\r\n").expectClosed())) {
            assertThrows(Pop3TemporaryFailureException.class, () -> connect(server));
            server.awaitScriptDone();
        }
    }

    @Test
    void aGreetingThatIsNotPop3IsAProtocolErrorAndTheConnectionIsClosed() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                ScriptedPop3Server.script().send("* OK IMAP4rev1 ready\r\n").expectClosed())) {
            assertThrows(Pop3ProtocolException.class, () -> connect(server));
            server.awaitScriptDone();
        }
    }

    @Test
    void aGreetingSentOneOctetPerWriteIsOneGreeting() throws Exception {
        session(ScriptedPop3Server.script().sendInChunks(APOP_GREETING, 1).expectClosed(),
                client -> assertEquals(RFC_TIMESTAMP, client.apopTimestamp().orElseThrow()));
    }

    // ---- logging in ----

    @Test
    void userAndPassLogIn() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn().expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions()
                    .authentication(AuthenticationMethod.USER).build())) {
                client.login("alice", "secret");
                assertEquals(Pop3State.TRANSACTION, client.state());
            }
            server.awaitScriptDone();
        }
    }

    /** Loopback is exempt from the clear-text rule: USER/PASS goes out without allowPlaintextPassword. */
    @Test
    void userAndPassGoOutToLoopbackWithoutAllowPlaintextPassword() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn().expectClosed())) {
            Pop3ClientOptions options = server.clientOptions().build();
            assertFalse(options.allowPlaintextPassword());
            try (Pop3Client client = Pop3Client.connect(options)) {
                client.user("alice");
                client.pass("secret");
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void apopSendsTheRfc1939Digest() throws Exception {
        session(ScriptedPop3Server.script()
                .send(APOP_GREETING)
                .expect("APOP mrose c4c9334bac560ecc979e58001b3e22fb").send("+OK mrose's maildrop has 2 messages\r\n")
                .expectClosed(), client -> {
                    client.apop("mrose", "tanstaaf");
                    assertEquals(Pop3State.TRANSACTION, client.state());
                });
    }

    @Test
    void autoLoginPicksApopWhenTheGreetingHasATimestamp() throws Exception {
        session(ScriptedPop3Server.script()
                .send(APOP_GREETING)
                .expect("the APOP command, never the password", line -> {
                    assertEquals("APOP mrose c4c9334bac560ecc979e58001b3e22fb", line);
                    assertFalse(line.contains("tanstaaf"));
                })
                .send("+OK\r\n")
                .expectClosed(), client -> client.login("mrose", "tanstaaf"));
    }

    @Test
    void autoLoginUsesUserAndPassWithoutATimestamp() throws Exception {
        session(loggedIn().expectClosed(), client -> client.login("alice", "secret"));
    }

    @Test
    void aRefusedApopFallsBackToUserAndPassOnLoopback() throws Exception {
        session(ScriptedPop3Server.script()
                .send(APOP_GREETING)
                .expect("APOP alice " + Apop.digest(RFC_TIMESTAMP, "secret")).send("-ERR APOP not enabled\r\n")
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    assertEquals(Pop3State.TRANSACTION, client.state());
                });
    }

    @Test
    void aRefusedApopDoesNotFallBackWhenFallbackIsOff() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send(APOP_GREETING)
                .expect("APOP alice " + Apop.digest(RFC_TIMESTAMP, "secret")).send("-ERR wrong\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().apopFallback(false).build())) {
                assertThrows(Pop3AuthenticationException.class, () -> client.login("alice", "secret"));
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void apopRequestedWithoutATimestampAndWithoutFallbackSendsNothing() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send(GREETING)
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions()
                    .authentication(AuthenticationMethod.APOP).apopFallback(false).build())) {
                assertThrows(Pop3SecurityException.class, () -> client.login("alice", "secret"));
                assertThrows(Pop3SecurityException.class, () -> client.apop("alice", "secret"));
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void apopRequestedWithoutATimestampFallsBackToUserAndPassOnLoopback() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(loggedIn().expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions()
                    .authentication(AuthenticationMethod.APOP).build())) {
                client.login("alice", "secret");
            }
            server.awaitScriptDone();
        }
    }

    /** Checklist 9. */
    @Test
    void errToPassIsAnAuthenticationFailureAndTheSessionStaysInAuthorization() throws Exception {
        session(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS wrong").send("-ERR invalid password\r\n")
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK\r\n")
                .expectClosed(), client -> {
                    Pop3AuthenticationException e = assertThrows(Pop3AuthenticationException.class,
                            () -> client.login("alice", "wrong"));
                    assertEquals("PASS", e.command());
                    assertEquals(Pop3State.AUTHORIZATION, client.state());
                    client.login("alice", "secret");
                    assertEquals(Pop3State.TRANSACTION, client.state());
                });
    }

    static Stream<Arguments> loginRefusals() {
        return Stream.of(
                Arguments.of("-ERR [IN-USE] maildrop locked", Pop3TemporaryFailureException.class),
                Arguments.of("-ERR [LOGIN-DELAY] wait", Pop3TemporaryFailureException.class),
                Arguments.of("-ERR [SYS/TEMP] try later", Pop3TemporaryFailureException.class),
                Arguments.of("-ERR [in-use] lower case", Pop3TemporaryFailureException.class),
                Arguments.of("-ERR [SYS/PERM] mailbox broken", Pop3PermanentFailureException.class),
                Arguments.of("-ERR [AUTH] bad password", Pop3AuthenticationException.class),
                Arguments.of("-ERR [NEW-CODE] something", Pop3AuthenticationException.class),
                Arguments.of("-ERR no code", Pop3AuthenticationException.class));
    }

    /** Checklist 8: a refused PASS; without a known code it is an authentication failure. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("loginRefusals")
    void aRefusedPassBecomesTheExceptionItsCodeSays(String reply, Class<? extends Pop3ReplyException> expected)
            throws Exception {
        session(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send(reply + "\r\n")
                .expectClosed(), client -> {
                    Pop3ReplyException e = assertThrows(Pop3ReplyException.class, () -> client.login("alice", "secret"));
                    assertEquals(expected, e.getClass());
                    assertEquals(reply, e.reply().line());
                });
    }

    static Stream<Arguments> commandRefusals() {
        return Stream.of(
                Arguments.of("-ERR [IN-USE] busy", Pop3TemporaryFailureException.class),
                Arguments.of("-ERR [LOGIN-DELAY] wait", Pop3TemporaryFailureException.class),
                Arguments.of("-ERR [SYS/TEMP] try later", Pop3TemporaryFailureException.class),
                Arguments.of("-ERR [SYS/PERM] disk broken", Pop3PermanentFailureException.class),
                Arguments.of("-ERR [AUTH] logged out", Pop3AuthenticationException.class),
                Arguments.of("-ERR [NEW-CODE] something", Pop3ReplyException.class),
                Arguments.of("-ERR no such message", Pop3ReplyException.class));
    }

    /** Checklist 8: a refused command in TRANSACTION; unknown codes are ignored. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("commandRefusals")
    void aRefusedCommandBecomesTheExceptionItsCodeSays(String reply, Class<? extends Pop3ReplyException> expected)
            throws Exception {
        session(loggedIn().expect("RETR 1").send(reply + "\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            Pop3ReplyException e = assertThrows(Pop3ReplyException.class, () -> client.retr(1));
            assertEquals(expected, e.getClass());
            assertEquals("RETR", e.command());
        });
    }

    @Test
    void passWithoutAnAcceptedUserIsRefusedLocally() throws Exception {
        session(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("USER alice").send("+OK\r\n")
                .expect("USER bob").send("-ERR no such user\r\n")
                .expectClosed(), client -> {
                    assertThrows(IllegalStateException.class, () -> client.pass("secret"));
                    client.user("alice");
                    assertThrows(Pop3AuthenticationException.class, () -> client.user("bob"));
                    // bob was refused: a password now would go out for a user the server did not accept
                    assertThrows(IllegalStateException.class, () -> client.pass("secret"));
                });
    }

    // ---- nothing unsafe goes out ----

    @ParameterizedTest(name = "user name {0}")
    @ValueSource(strings = {"alice\r\nDELE 1", "alice\nDELE 1", "alice\rDELE 1", "alice\0"})
    void aUserNameWithCrLfOrNulIsRefusedBeforeSending(String user) throws Exception {
        session(ScriptedPop3Server.script().send(APOP_GREETING).expectClosed(), client -> {
            assertThrows(IllegalArgumentException.class, () -> client.user(user));
            assertThrows(IllegalArgumentException.class, () -> client.apop(user, "secret"));
            assertThrows(IllegalArgumentException.class, () -> client.login(user, "secret"));
        });
    }

    @ParameterizedTest(name = "password {0}")
    @ValueSource(strings = {"secret\r\nDELE 1", "secret\nDELE 1", "secret\rDELE 1", "secret\0"})
    void aPasswordWithCrLfOrNulIsRefusedBeforeSending(String password) throws Exception {
        session(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("USER alice").send("+OK\r\n")
                .expect("USER alice").send("+OK\r\n")
                .expectClosed(), client -> {
                    client.user("alice");
                    assertThrows(IllegalArgumentException.class, () -> client.pass(password));
                    assertThrows(IllegalArgumentException.class, () -> client.login("alice", password));
                });
    }

    @Test
    void anOverlongUserNameIsRefusedBeforeSending() throws Exception {
        session(ScriptedPop3Server.script().send(GREETING).expectClosed(),
                client -> assertThrows(IllegalArgumentException.class, () -> client.user("u".repeat(300))));
    }

    static Stream<Arguments> transactionCommands() {
        Map<String, Session> commands = Map.of(
                "STAT", Pop3Client::stat,
                "LIST", Pop3Client::list,
                "LIST 1", c -> c.list(1),
                "UIDL", Pop3Client::uidl,
                "UIDL 1", c -> c.uidl(1),
                "RETR 1", c -> c.retr(1),
                "TOP 1 0", c -> c.top(1, 0),
                "DELE 1", c -> c.dele(1),
                "NOOP", Pop3Client::noop,
                "RSET", Pop3Client::rset);
        return commands.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transactionCommands")
    void transactionCommandsAreRefusedLocallyBeforeLogin(String name, Session command) throws Exception {
        session(ScriptedPop3Server.script().send(GREETING).expectClosed(),
                client -> assertThrows(IllegalStateException.class, run(client, command)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transactionCommands")
    void everyCommandIsRefusedLocallyAfterClose(String name, Session command) throws Exception {
        session(ScriptedPop3Server.script().send(GREETING).expectClosed(), client -> {
            client.close();
            assertThrows(IllegalStateException.class, run(client, command));
            assertThrows(IllegalStateException.class, client::quit);
            assertThrows(IllegalStateException.class, client::capabilities);
            assertThrows(IllegalStateException.class, () -> client.user("alice"));
        });
    }

    @Test
    void authorizationCommandsAreRefusedLocallyAfterLogin() throws Exception {
        session(loggedIn().expectClosed(), client -> {
            client.login("alice", "secret");
            assertThrows(IllegalStateException.class, () -> client.user("alice"));
            assertThrows(IllegalStateException.class, () -> client.pass("secret"));
            assertThrows(IllegalStateException.class, () -> client.apop("alice", "secret"));
            assertThrows(IllegalStateException.class, () -> client.login("alice", "secret"));
            assertThrows(IllegalStateException.class, client::stls);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0", "-1", "-2147483648"})
    void messageNumbersBelowOneAreRefusedBeforeSending(int number) throws Exception {
        session(loggedIn().expectClosed(), client -> {
            client.login("alice", "secret");
            assertThrows(IllegalArgumentException.class, () -> client.retr(number));
            assertThrows(IllegalArgumentException.class, () -> client.top(number, 1));
            assertThrows(IllegalArgumentException.class, () -> client.dele(number));
            assertThrows(IllegalArgumentException.class, () -> client.list(number));
            assertThrows(IllegalArgumentException.class, () -> client.uidl(number));
            assertThrows(IllegalArgumentException.class, () -> client.top(1, number == 0 ? -1 : number));
        });
    }

    private static Executable run(Pop3Client client, Session command) {
        return () -> {
            try {
                command.run(client);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    // ---- transaction commands ----

    @Test
    void statListAndListN() throws Exception {
        session(loggedIn()
                .expect("STAT").send("+OK 2 320\r\n")
                .expect("LIST").send("+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n")
                .expect("LIST 2").send("+OK 2 200\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    assertEquals(new MaildropStatus(2, 320), client.stat());
                    assertEquals(List.of(new MessageSize(1, 120), new MessageSize(2, 200)), client.list());
                    assertEquals(200, client.list(2));
                });
    }

    @Test
    void anEmptyMaildrop() throws Exception {
        session(loggedIn()
                .expect("STAT").send("+OK 0 0\r\n")
                .expect("LIST").send("+OK 0 messages\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n.\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    assertEquals(new MaildropStatus(0, 0), client.stat());
                    assertEquals(List.of(), client.list());
                    assertEquals(List.of(), client.uidl());
                });
    }

    /** Checklist 11: extra fields are allowed (RFC 1939), sizes of 2^31 and more are kept as long. */
    @Test
    void extraFieldsAndHugeSizesAreAccepted() throws Exception {
        session(loggedIn()
                .expect("STAT").send("+OK 2 4294967296 octets in total\r\n")
                .expect("LIST").send("+OK\r\n1 2147483648 extra\r\n2 999999999999999999\r\n.\r\n")
                .expect("LIST 1").send("+OK 1 2147483648 octets\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    assertEquals(new MaildropStatus(2, 4_294_967_296L), client.stat());
                    assertEquals(List.of(new MessageSize(1, 2_147_483_648L), new MessageSize(2, 999_999_999_999_999_999L)),
                            client.list());
                    assertEquals(2_147_483_648L, client.list(1));
                });
    }

    /** Checklist 11: non-numeric and missing fields are protocol errors, never a guess. */
    @ParameterizedTest(name = "STAT answered ''{0}''")
    @ValueSource(strings = {"+OK", "+OK 2", "+OK two 320", "+OK 2 3x0", "+OK 2 -1", "+OK -2 320",
        "+OK 2 99999999999999999999", "+OK 2147483648 1"})
    void aMalformedStatReplyIsAProtocolError(String reply) throws Exception {
        session(loggedIn().expect("STAT").send(reply + "\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            assertThrows(Pop3ProtocolException.class, client::stat);
        });
    }

    @ParameterizedTest(name = "LIST line ''{0}''")
    @ValueSource(strings = {"1", "x 120", "1 12a", "0 120", "1 -120", " "})
    void aMalformedListLineIsAProtocolError(String line) throws Exception {
        session(loggedIn().expect("LIST").send("+OK\r\n" + line + "\r\n.\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            assertThrows(Pop3ProtocolException.class, client::list);
        });
    }

    @ParameterizedTest(name = "LIST 2 answered ''{0}''")
    @ValueSource(strings = {"+OK", "+OK 2", "+OK 3 200", "+OK two 200", "+OK 2 2oo"})
    void aMalformedListNReplyIsAProtocolError(String reply) throws Exception {
        session(loggedIn().expect("LIST 2").send(reply + "\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            assertThrows(Pop3ProtocolException.class, () -> client.list(2));
        });
    }

    @Test
    void retrStreamsTheMessageUnstuffedAndTheSessionContinues() throws Exception {
        session(loggedIn()
                .expect("RETR 1").send("+OK 23 octets\r\nSubject: x\r\n\r\n..dot\r\n.\r\n")
                .expect("DELE 1").send("+OK deleted\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    try (InputStream message = client.retr(1)) {
                        assertEquals("Subject: x\r\n\r\n.dot\r\n", text(message));
                    }
                    client.dele(1);
                });
    }

    @Test
    void aMessageReadOnlyInPartIsDrainedBeforeTheNextCommand() throws Exception {
        session(loggedIn()
                .expect("RETR 1").send("+OK\r\nfirst line\r\nsecond line\r\n.\r\n")
                .expect("RETR 2").send("+OK\r\nother\r\n.\r\n")
                .expect("NOOP").send("+OK\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    InputStream first = client.retr(1);
                    assertEquals('f', first.read());
                    InputStream second = client.retr(2);
                    assertEquals(-1, first.read(), "the first message was drained by the next command");
                    assertEquals("other\r\n", text(second));
                    client.noop();
                });
    }

    /** Checklist 3 end to end: a dropped connection is an error, never a shorter message. */
    @Test
    void aConnectionDroppedInTheMiddleOfRetrIsAnError() throws Exception {
        session(loggedIn()
                .expect("RETR 1").send("+OK\r\nSubject: x\r\n\r\nhalf a bo")
                .hangUp(), client -> {
                    client.login("alice", "secret");
                    InputStream message = client.retr(1);
                    assertThrows(Pop3ProtocolException.class, message::readAllBytes);
                });
    }

    @Test
    void aRetrReplyThatIsNeitherOkNorErrIsAProtocolError() throws Exception {
        session(loggedIn().expect("RETR 1").send("Subject: no status line\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            assertThrows(Pop3ProtocolException.class, () -> client.retr(1));
        });
    }

    @Test
    void topSendsTheLineCountAndStreamsTheHead() throws Exception {
        session(loggedIn()
                .expect("TOP 1 0").send("+OK\r\nSubject: x\r\n\r\n.\r\n")
                .expect("TOP 2 10").send("+OK\r\nSubject: y\r\n\r\nbody\r\n.\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    try (InputStream head = client.top(1, 0)) {
                        assertEquals("Subject: x\r\n\r\n", text(head));
                    }
                    try (InputStream head = client.top(2, 10)) {
                        assertEquals("Subject: y\r\n\r\nbody\r\n", text(head));
                    }
                });
    }

    @Test
    void deleNoopAndRset() throws Exception {
        session(loggedIn()
                .expect("DELE 1").send("+OK message 1 deleted\r\n")
                .expect("DELE 1").send("-ERR message 1 already deleted\r\n")
                .expect("NOOP").send("+OK\r\n")
                .expect("RSET").send("+OK maildrop has 2 messages\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    client.dele(1);
                    Pop3ReplyException e = assertThrows(Pop3ReplyException.class, () -> client.dele(1));
                    assertEquals("DELE", e.command());
                    client.noop();
                    client.rset();
                });
    }

    @Test
    void quitReturnsTrueOnOkAndClosesTheConnection() throws Exception {
        session(loggedIn().expect("QUIT").send("+OK bye\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            assertTrue(client.quit());
            assertEquals(Pop3State.CLOSED, client.state());
        });
    }

    @Test
    void quitReturnsFalseOnErr() throws Exception {
        session(loggedIn().expect("QUIT").send("-ERR some deleted messages not removed\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            assertFalse(client.quit());
            assertEquals(Pop3State.CLOSED, client.state());
        });
    }

    @Test
    void quitThrowsWhenTheConnectionDropsBeforeTheAnswer() throws Exception {
        session(loggedIn().expect("QUIT").hangUp(), client -> {
            client.login("alice", "secret");
            assertThrows(IOException.class, client::quit);
            assertEquals(Pop3State.CLOSED, client.state());
        });
    }

    @Test
    void quitFromAuthorization() throws Exception {
        session(ScriptedPop3Server.script().send(GREETING).expect("QUIT").send("+OK\r\n").expectClosed(),
                client -> assertTrue(client.quit()));
    }

    /** Closing without QUIT must not commit the deletions, so it must not send QUIT. */
    @Test
    void closeWithoutQuitSendsNoQuit() throws Exception {
        session(loggedIn().expect("DELE 1").send("+OK\r\n").expectClosed(), client -> {
            client.login("alice", "secret");
            client.dele(1);
            client.close();
            assertEquals(Pop3State.CLOSED, client.state());
        });
    }

    // ---- CAPA ----

    @Test
    void capaIsParsedAndAskedOnlyOncePerState() throws Exception {
        session(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("CAPA")
                .send("+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL PLAIN  LOGIN\r\nRESP-CODES\r\n"
                        + "LOGIN-DELAY 900\r\npipelining\r\nEXPIRE NEVER\r\nUIDL\r\n"
                        + "IMPLEMENTATION Shlemazle-Plotz-v302\r\n.\r\n")
                .expect("USER alice").send("+OK\r\n")
                .expect("PASS secret").send("+OK\r\n")
                .expect("CAPA").send("+OK\r\nTOP\r\nUIDL\r\n.\r\n")
                .expectClosed(), client -> {
                    Capabilities caps = client.capabilities();
                    assertTrue(caps.isKnown());
                    assertTrue(caps.has("top"));
                    assertTrue(caps.has("UIDL"));
                    assertTrue(caps.pipelining());
                    assertFalse(caps.has("STLS"));
                    assertEquals(List.of("PLAIN", "LOGIN"), caps.arguments("SASL"));
                    assertEquals(List.of("900"), caps.arguments("LOGIN-DELAY"));
                    assertEquals(List.of("NEVER"), caps.arguments("EXPIRE"));
                    assertEquals(List.of(), caps.arguments("TOP"));
                    assertEquals(List.of(), caps.arguments("SASL-NOT"));
                    assertSame(caps, client.capabilities(), "asked once");
                    client.login("alice", "secret");
                    Capabilities after = client.capabilities();
                    assertFalse(after.has("USER"), "asked again after login (RFC 2449: they may change)");
                });
    }

    @Test
    void capaRefusedMeansUnknownCapabilities() throws Exception {
        session(ScriptedPop3Server.script()
                .send(GREETING)
                .expect("CAPA").send("-ERR unknown command\r\n")
                .expectClosed(), client -> {
                    Capabilities caps = client.capabilities();
                    assertEquals(Capabilities.UNKNOWN, caps);
                    assertFalse(caps.isKnown());
                    assertFalse(caps.has("TOP"));
                });
    }

    // ---- UIDL (checklist 14) ----

    @Test
    void uidlReturnsIdsExactlyAsTheServerSentThem() throws Exception {
        String long71 = "x".repeat(71);
        String long200 = "y".repeat(200);
        session(loggedIn()
                .expect("LIST").send("+OK\r\n1 10\r\n2 10\r\n3 10\r\n4 10\r\n5 10\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 same\r\n2 same\r\n3 " + long71 + "\r\n5 a/b+c=\r\n6 " + long200
                        + " extra\r\n.\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    assertEquals(5, client.list().size());
                    assertEquals(List.of(
                            new MessageUid(1, "same"),
                            new MessageUid(2, "same"),
                            new MessageUid(3, long71),
                            new MessageUid(5, "a/b+c="),
                            new MessageUid(6, long200)), client.uidl(), "message 4 is in LIST but not in UIDL");
                });
    }

    @Test
    void uidlOfOneMessage() throws Exception {
        session(loggedIn()
                .expect("UIDL 2").send("+OK 2 QhdPYR:00WBw1Ph7x7\r\n")
                .expect("UIDL 3").send("+OK 3 a/b\r\n")
                .expect("QUIT").send("+OK\r\n"), client -> {
                    client.login("alice", "secret");
                    assertEquals("QhdPYR:00WBw1Ph7x7", client.uidl(2));
                    assertEquals("a/b", client.uidl(3));
                    assertTrue(client.quit());
                });
    }

    /** Each malformed answer breaks the session: it is closed, so no later reply is misread. */
    @ParameterizedTest
    @ValueSource(strings = { "+OK 5 wrong-message", "+OK 4", "+OK 4 bad\u00ffid" })
    void malformedUidlOfOneMessageClosesTheSession(String reply) throws Exception {
        session(loggedIn()
                .expect("UIDL 4").send(reply + "\r\n")
                .expectClosed(), client -> {
                    client.login("alice", "secret");
                    assertThrows(Pop3ProtocolException.class, () -> client.uidl(4));
                    assertEquals(Pop3State.CLOSED, client.state());
                });
    }

    // ---- the clear-text rule ----

    @Test
    void theClearTextRuleRefusesOnlyAnUnencryptedRemoteServerWithoutOptIn() throws Pop3SecurityException {
        Pop3Client.checkPlaintextAllowed(true, false, false, "mail.example:110", "alice");
        Pop3Client.checkPlaintextAllowed(false, true, false, "mail.example:110", "alice");
        Pop3Client.checkPlaintextAllowed(false, false, true, "mail.example:110", "alice");
        Pop3SecurityException e = assertThrows(Pop3SecurityException.class,
                () -> Pop3Client.checkPlaintextAllowed(false, false, false, "mail.example:110", "alice"));
        assertTrue(e.getMessage().contains("mail.example:110"), e.getMessage());
        assertTrue(e.getMessage().contains("'alice'"), e.getMessage());
        assertTrue(e.getMessage().contains("allowPlaintextPassword=true"), e.getMessage());
        assertNotNull(assertThrows(Pop3SecurityException.class,
                () -> Pop3Client.checkPlaintextAllowed(false, false, false, "mail.example:110", null)));
    }
}
