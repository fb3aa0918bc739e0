package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SASL AUTH (RFC 5034) against scripted servers that behave as Exchange Online and Gmail do, and
 * the failures a client must get right: refused tokens, mechanisms not offered, impostor servers.
 */
class Pop3ClientSaslTest {

    /** Exchange Online's CAPA on port 995, and on port 110 after STLS, as its users have logged it. */
    static final String EXCHANGE_CAPA = "+OK\r\nTOP\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\nUSER\r\n.\r\n";
    static final String EXCHANGE_GREETING = "+OK The Microsoft Exchange POP3 service is ready. [UABSADAAUAAxADAAMQBDAEEAMAAwADIAOQAuAG4AYQBtAHAAcgBkADEAMAAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]\r\n";
    static final String GMAIL_CAPA = "+OK Capability list follows\r\nUSER\r\nRESP-CODES\r\nEXPIRE 0\r\nLOGIN-DELAY 300\r\n"
            + "TOP\r\nUIDL\r\nX-GOOGLE-RICO\r\nSASL PLAIN XOAUTH2 OAUTHBEARER\r\n.\r\n";
    /** About the size of a Microsoft access token: too long for an AUTH line of 255 octets. */
    static final String LONG_TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6" + "Q".repeat(2000) + ".sig";
    static final String USER = "alice@contoso.onmicrosoft.com";

    private static TestCertificate local;

    @BeforeAll
    static void makeCertificate() {
        local = TestCertificate.forNames(TestCertificate.LOCAL_NAMES);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String xoauth2(String user, String token) {
        return b64("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    /** Exchange Online: only AUTH XOAUTH2, then "+ ", then the response on its own line, is accepted. */
    static Script exchangeTwoLineOnly(Script script, String token) {
        String expected = xoauth2(USER, token);
        return script
                .expect("AUTH XOAUTH2 or AUTH XOAUTH2 <response>", line -> {
                    if (!line.equals("AUTH XOAUTH2")) {
                        throw new AssertionError("Exchange Online refuses an initial response; the client sent '"
                                                 + line.substring(0, Math.min(40, line.length())) + "...'");
                    }
                })
                .send("+ \r\n")
                .expect("the XOAUTH2 response", line -> assertEquals(expected, line))
                .send("+OK User successfully authenticated.\r\n");
    }

    @Test
    void exchangeOnlineOnPort995TakesTheTwoLineXoauth2WithoutTuning() throws Exception {
        Script script = ScriptedPop3Server.script()
                .startTls(local.serverContext())
                .send(EXCHANGE_GREETING)
                .expect("CAPA").send(EXCHANGE_CAPA);
        exchangeTwoLineOnly(script, LONG_TOKEN).expect("STAT").send("+OK 0 0\r\n").expect("QUIT").send("+OK\r\n");
        AtomicInteger asked = new AtomicInteger();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().security(Security.TLS)
                    .sslContext(local.clientContext()).build())) {
                client.login(USER, user -> {
                    asked.incrementAndGet();
                    assertEquals(USER, user);
                    return LONG_TOKEN;
                });
                assertEquals(Pop3State.TRANSACTION, client.state());
                assertEquals(0, client.stat().count());
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
        assertEquals(1, asked.get());
    }

    @Test
    void exchangeOnlineOnPort110ListsXoauth2OnlyAfterStls() throws Exception {
        Script script = ScriptedPop3Server.script()
                .send(EXCHANGE_GREETING)
                .expect("CAPA").send("+OK\r\nTOP\r\nUIDL\r\nSTLS\r\nUSER\r\n.\r\n")
                .expect("STLS").send("+OK Begin TLS negotiation\r\n")
                .startTls(local.serverContext())
                .expect("CAPA").send(EXCHANGE_CAPA);
        exchangeTwoLineOnly(script, "short-token").expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().security(Security.STARTTLS)
                    .sslContext(local.clientContext()).build())) {
                client.login(USER, user -> "short-token");
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void withoutStlsExchangeOffersNoTokenLoginAndNothingIsSent() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send(EXCHANGE_GREETING)
                .expect("CAPA").send("+OK\r\nTOP\r\nUIDL\r\nSTLS\r\nUSER\r\n.\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                Pop3Exception e = assertThrows(Pop3Exception.class, () -> client.login(USER, user -> {
                    asked.incrementAndGet();
                    return "t";
                }));
                assertTrue(e.getMessage().contains("does not offer login with an access token"), e.getMessage());
                assertTrue(e.getMessage().contains("it offers no SASL mechanism and USER/PASS"), e.getMessage());
                assertTrue(e.getMessage().contains("security=starttls"), e.getMessage());
            }
            server.awaitScriptDone();
        }
        assertEquals(0, asked.get(), "the token provider is not asked when the token cannot be used");
    }

    @Test
    void refusedTokenIsAnAuthenticationFailureWithoutTheToken() throws Exception {
        Script script = ScriptedPop3Server.script()
                .startTls(local.serverContext())
                .send(EXCHANGE_GREETING)
                .expect("CAPA").send(EXCHANGE_CAPA)
                .expect("AUTH XOAUTH2").send("+ \r\n")
                .expect("the XOAUTH2 response", line -> assertEquals(xoauth2(USER, LONG_TOKEN), line))
                .send("-ERR Authentication failure: unknown user name or bad password.\r\n")
                .expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().security(Security.TLS)
                    .sslContext(local.clientContext()).build())) {
                Pop3AuthenticationException e = assertThrows(Pop3AuthenticationException.class,
                        () -> client.login(USER, user -> LONG_TOKEN));
                assertTrue(e.getMessage().contains("AUTH XOAUTH2"), e.getMessage());
                assertTrue(e.getMessage().contains("unknown user name or bad password"), e.getMessage());
                assertFalse(e.getMessage().contains(LONG_TOKEN.substring(0, 30)), e.getMessage());
                assertEquals(Pop3State.AUTHORIZATION, client.state());
                client.quit();
            }
            server.awaitScriptDone();
        }
    }

    /** Gmail: XOAUTH2 with the initial response on the AUTH line, as Google documents it. */
    @Test
    void gmailGetsXoauth2WithTheInitialResponseAfterRefusingTheBareAuth() throws Exception {
        Script script = ScriptedPop3Server.script()
                .startTls(local.serverContext())
                .send("+OK Gpop ready for requests from 127.0.0.1 a1mb123456\r\n")
                .expect("CAPA").send(GMAIL_CAPA)
                .expect("AUTH XOAUTH2").send("-ERR Missing initial response\r\n")
                .expect("AUTH XOAUTH2 " + xoauth2("bob@gmail.com", "ya29.a0AfH6"))
                .send("+OK Welcome.\r\n")
                .expect("QUIT").send("+OK Farewell.\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().security(Security.TLS)
                    .sslContext(local.clientContext()).authentication(AuthenticationMethod.XOAUTH2).build())) {
                client.login("bob@gmail.com", user -> "ya29.a0AfH6");
                assertEquals(Pop3State.TRANSACTION, client.state());
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void gmailErrorChallengeIsAnsweredAndItsStatusReported() throws Exception {
        String error = b64("{\"status\":\"400\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}");
        Script script = ScriptedPop3Server.script()
                .startTls(local.serverContext())
                .send("+OK Gpop ready\r\n")
                .expect("CAPA").send(GMAIL_CAPA)
                .expect("AUTH XOAUTH2 " + xoauth2("bob@gmail.com", "ya29.revoked")).send("+ " + error + "\r\n")
                .expect("")
                .send("-ERR [AUTH] Invalid credentials.\r\n")
                .expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().security(Security.TLS)
                    .sslContext(local.clientContext()).authentication(AuthenticationMethod.XOAUTH2)
                    .saslInitialResponse(SaslInitialResponse.ALWAYS).build())) {
                Pop3AuthenticationException e = assertThrows(Pop3AuthenticationException.class,
                        () -> client.login("bob@gmail.com", user -> "ya29.revoked"));
                assertTrue(e.getMessage().contains("status 400"), e.getMessage());
                assertTrue(e.getMessage().contains("https://mail.google.com/"), e.getMessage());
                assertFalse(e.getMessage().contains("ya29.revoked"), e.getMessage());
                client.quit();
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void autoPrefersOauthBearerWhereOfferedAndAnswersItsErrorWithOneOctet() throws Exception {
        String error = b64("{\"status\":\"invalid_token\",\"scope\":\"https://mail.google.com/\"}");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK Gpop ready\r\n")
                .expect("CAPA").send(GMAIL_CAPA)
                .expect("AUTH OAUTHBEARER or its initial response", line -> assertTrue(line.startsWith("AUTH OAUTHBEARER "), line))
                .send("+ " + error + "\r\n")
                .expect("AQ==")
                .send("-ERR [AUTH] Invalid credentials.\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                Pop3AuthenticationException e = assertThrows(Pop3AuthenticationException.class,
                        () -> client.login("bob@gmail.com", user -> "ya29.old"));
                assertTrue(e.getMessage().contains("status invalid_token"), e.getMessage());
                assertEquals(ResponseCode.AUTH, e.responseCode());
            }
            server.awaitScriptDone();
            String initial = server.received().get(1).substring("AUTH OAUTHBEARER ".length());
            assertEquals("n,a=bob@gmail.com,\u0001host=127.0.0.1\u0001port=" + server.port()
                         + "\u0001auth=Bearer ya29.old\u0001\u0001",
                    new String(Base64.getDecoder().decode(initial), StandardCharsets.UTF_8));
        }
    }

    @Test
    void failingTokenProviderIsReportedAndNothingIsSent() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK ready\r\n")
                .expect("CAPA").send(GMAIL_CAPA)
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                Pop3AccessTokenException e = assertThrows(Pop3AccessTokenException.class, () -> client.login("bob",
                        user -> {
                            throw new IllegalStateException("AADSTS700082: the refresh token has expired");
                        }));
                assertTrue(e.getMessage().contains("AADSTS700082"), e.getMessage());
                assertTrue(e.getMessage().contains("nothing was sent"), e.getMessage());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void explicitMechanismTheServerDoesNotOfferFailsBeforeAnyCredential() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK ready\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions()
                    .authentication(AuthenticationMethod.SCRAM_SHA_256).build())) {
                Pop3Exception e = assertThrows(Pop3Exception.class, () -> client.login("alice", "secret"));
                assertTrue(e.getMessage().contains("does not offer login with SASL SCRAM-SHA-256: it offers SASL PLAIN"
                                                   + " LOGIN and USER/PASS. Nothing was sent."), e.getMessage());
            }
            server.awaitScriptDone();
            assertEquals(List.of("CAPA"), server.received());
        }
    }

    @Test
    void autoWithAPasswordPicksScramOverEverythingElse() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK ready <1.2@host>\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nSASL PLAIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256\r\n.\r\n")
                .expect("SCRAM-SHA-256 client-first", line -> assertTrue(line.startsWith("AUTH SCRAM-SHA-256 biwsbj1hbGljZSxy"), line))
                .send("-ERR [AUTH] no\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.capabilities();
                assertThrows(Pop3AuthenticationException.class, () -> client.login("alice", "secret"));
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void autoWithoutTlsPrefersCramMd5ToApopAndAnswersTheChallenge() throws Exception {
        // RFC 2195's example exchange
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK ready <1.2@host>\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nSASL PLAIN CRAM-MD5\r\n.\r\n")
                .expect("AUTH CRAM-MD5")
                .send("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
                .expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")
                .send("+OK tim's maildrop has 0 messages\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.capabilities();
                client.login("tim", "tanstaaftanstaaf");
                assertEquals(Pop3State.TRANSACTION, client.state());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void plainAndLoginRunTheirExchanges() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                ScriptedPop3Server.script()
                        .send("+OK ready\r\n")
                        .expect("CAPA").send("+OK\r\nSASL PLAIN LOGIN\r\n.\r\n")
                        .expect("AUTH PLAIN " + b64("\0tim\0tanstaaf")).send("+OK\r\n")
                        .expectClosed(),
                ScriptedPop3Server.script()
                        .send("+OK ready\r\n")
                        .expect("CAPA").send("+OK\r\nSASL PLAIN LOGIN\r\n.\r\n")
                        .expect("AUTH LOGIN").send("+ VXNlcm5hbWU6\r\n")
                        .expect(b64("tim")).send("+ UGFzc3dvcmQ6\r\n")
                        .expect(b64("tanstaaf")).send("+OK\r\n")
                        .expectClosed(),
                ScriptedPop3Server.script()
                        .send("+OK ready\r\n")
                        .expect("CAPA").send("+OK\r\nSASL PLAIN LOGIN\r\n.\r\n")
                        .expect("AUTH PLAIN").send("+ \r\n")
                        .expect(b64("\0tim\0tanstaaf")).send("+OK\r\n")
                        .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().authentication(AuthenticationMethod.PLAIN).build())) {
                client.login("tim", "tanstaaf");
            }
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().authentication(AuthenticationMethod.LOGIN).build())) {
                client.login("tim", "tanstaaf");
            }
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().authentication(AuthenticationMethod.PLAIN)
                    .saslInitialResponse(SaslInitialResponse.NEVER).build())) {
                client.login("tim", "tanstaaf");
            }
            server.awaitScriptDone();
        }
    }

    /** A server that does not know the password cannot make SCRAM log in. */
    @Test
    void scramRefusesAServerWithAWrongSignatureAndCancels() throws Exception {
        StringBuilder nonce = new StringBuilder();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK ready\r\n")
                .expect("CAPA").send("+OK\r\nSASL SCRAM-SHA-1\r\n.\r\n")
                .expect("client-first", line -> {
                    String first = new String(Base64.getDecoder().decode(line.substring("AUTH SCRAM-SHA-1 ".length())),
                            StandardCharsets.UTF_8);
                    nonce.append(first.substring(first.indexOf(",r=") + 3));
                })
                .step("server-first", c -> c.write(("+ " + b64("r=" + nonce + "srv,s=QSXCR+Q6sek8bf92,i=4096") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII), 1024))
                .expect("client-final", line -> assertTrue(
                        new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8).contains(",p="), line))
                .send("+ " + b64("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=") + "\r\n")
                .expect("*")
                .send("-ERR cancelled\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.capabilities();
                Pop3SecurityException e = assertThrows(Pop3SecurityException.class, () -> client.login("user", "pencil"));
                assertTrue(e.getMessage().contains("wrong SCRAM-SHA-1 server signature"), e.getMessage());
                assertEquals(Pop3State.CLOSED, client.state());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void scramRefusesAServerThatSaysOkWithoutProvingItself() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK ready\r\n")
                .expect("CAPA").send("+OK\r\nSASL SCRAM-SHA-256\r\n.\r\n")
                .expect("client-first", line -> assertTrue(line.startsWith("AUTH SCRAM-SHA-256 "), line))
                .send("+OK welcome, whoever you are\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.capabilities();
                Pop3SecurityException e = assertThrows(Pop3SecurityException.class, () -> client.login("user", "pencil"));
                assertTrue(e.getMessage().contains("without proving"), e.getMessage());
                assertEquals(Pop3State.CLOSED, client.state());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void malformedChallengeCancelsTheExchange() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
                .send("+OK ready\r\n")
                .expect("CAPA").send("+OK\r\nSASL CRAM-MD5\r\n.\r\n")
                .expect("AUTH CRAM-MD5").send("+ not*base64!\r\n")
                .expect("*").send("-ERR cancelled\r\n")
                .expectClosed())) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.capabilities();
                Pop3ProtocolException e = assertThrows(Pop3ProtocolException.class, () -> client.login("tim", "x"));
                assertTrue(e.getMessage().contains("not base64"), e.getMessage());
            }
            server.awaitScriptDone();
        }
    }
}
