package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mechanisms against the test vectors of their RFCs. */
class SaslMechanismsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void plainMatchesRfc4616() throws Exception {
        SaslMechanism plain = SaslMechanism.plain("tim", "tanstaaftanstaaf");
        assertArrayEquals(bytes("\0tim\0tanstaaftanstaaf"), plain.initialResponse());
        assertTrue(plain.exposesSecret());
        assertThrows(IllegalArgumentException.class, () -> SaslMechanism.plain("ti\0m", "x"));
    }

    @Test
    void cramMd5MatchesRfc2195() throws Exception {
        SaslMechanism cram = SaslMechanism.cramMd5("tim", "tanstaaftanstaaf");
        assertNull(cram.initialResponse());
        byte[] challenge = Base64.getDecoder().decode("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
        assertEquals("<1896.697170952@postoffice.reston.mci.net>", text(challenge));
        byte[] response = cram.respond(challenge);
        assertEquals("tim b913a602c7eda7a495b4e6e7334d3890", text(response));
        assertEquals("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", Base64.getEncoder().encodeToString(response));
        assertFalse(cram.exposesSecret());
    }

    @Test
    void loginAnswersUserThenPassword() throws Exception {
        SaslMechanism login = SaslMechanism.login("tim", "tanstaaf");
        assertNull(login.initialResponse());
        assertEquals("tim", text(login.respond(bytes("Username:"))));
        assertEquals("tanstaaf", text(login.respond(bytes("Password:"))));
        assertThrows(Pop3ProtocolException.class, () -> login.respond(bytes("Again:")));
    }

    @Test
    void scramSha1MatchesRfc5802() throws Exception {
        SaslMechanism scram = new ScramMechanism(ScramMechanism.Hash.SHA_1, "user", "pencil",
                () -> "fyko+d2lbbFgONRv9qkxdawL");
        assertEquals("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", text(scram.initialResponse()));
        byte[] clientFinal = scram.respond(bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        assertEquals("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                text(clientFinal));
        assertThrows(Pop3SecurityException.class, scram::completed, "no server signature yet");
        assertArrayEquals(new byte[0], scram.respond(bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")));
        assertDoesNotThrow(scram::completed);
    }

    @Test
    void scramSha256MatchesRfc7677() throws Exception {
        SaslMechanism scram = new ScramMechanism(ScramMechanism.Hash.SHA_256, "user", "pencil",
                () -> "rOprNGfwEbeRWgbNEkqO");
        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", text(scram.initialResponse()));
        byte[] clientFinal = scram.respond(bytes(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertEquals("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                     + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", text(clientFinal));
        scram.respond(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
        assertDoesNotThrow(scram::completed);
        assertFalse(scram.exposesSecret());
    }

    @Test
    void scramRefusesAWrongServerSignature() throws Exception {
        SaslMechanism scram = new ScramMechanism(ScramMechanism.Hash.SHA_256, "user", "pencil",
                () -> "rOprNGfwEbeRWgbNEkqO");
        scram.initialResponse();
        scram.respond(bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        Pop3SecurityException e = assertThrows(Pop3SecurityException.class,
                () -> scram.respond(bytes("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        assertTrue(e.getMessage().contains("wrong SCRAM-SHA-256 server signature"), e.getMessage());
        assertThrows(Pop3SecurityException.class, scram::completed);
    }

    @Test
    void scramRefusesANonceTheClientDidNotStartAndTooFewIterations() throws Exception {
        SaslMechanism stranger = SaslMechanism.scramSha256("user", "pencil");
        stranger.initialResponse();
        assertThrows(Pop3SecurityException.class, () -> stranger.respond(bytes("r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096")));

        SaslMechanism weak = new ScramMechanism(ScramMechanism.Hash.SHA_1, "user", "pencil", () -> "abc");
        weak.initialResponse();
        Pop3SecurityException e = assertThrows(Pop3SecurityException.class,
                () -> weak.respond(bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=1")));
        assertTrue(e.getMessage().contains("iterations"), e.getMessage());
        SaslMechanism costly = new ScramMechanism(ScramMechanism.Hash.SHA_1, "user", "pencil", () -> "abc");
        costly.initialResponse();
        assertThrows(Pop3SecurityException.class, () -> costly.respond(bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=2000000000")));
    }

    @Test
    void scramEscapesTheUserName() throws Exception {
        SaslMechanism scram = new ScramMechanism(ScramMechanism.Hash.SHA_1, "a,b=c", "pencil", () -> "n");
        assertEquals("n,,n=a=2Cb=3Dc,r=n", text(scram.initialResponse()));
    }

    @Test
    void oauthBearerMatchesRfc7628() throws Exception {
        SaslMechanism bearer = SaslMechanism.oauthBearer("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
                "server.example.com", 143);
        assertEquals("n,a=user@example.com,\u0001host=server.example.com\u0001port=143\u0001"
                     + "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\u0001\u0001", text(bearer.initialResponse()));
        // RFC 7628 section 4.3: the error challenge, answered with a single 0x01
        byte[] error = Base64.getDecoder().decode(
                "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=");
        assertArrayEquals(new byte[] { 1 }, bearer.respond(error));
        assertTrue(bearer.failureDetail().startsWith("status invalid_token ("), bearer.failureDetail());
        assertTrue(bearer.failureDetail().contains("example_scope"), bearer.failureDetail());
    }

    @Test
    void xoauth2CarriesUserAndToken() throws Exception {
        SaslMechanism x = SaslMechanism.xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg");
        // Google's documented example of the initial client response
        assertEquals("dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJo"
                     + "ZG1semRHRXVZMjl0Q2cBAQ==", Base64.getEncoder().encodeToString(x.initialResponse()));
        assertArrayEquals(new byte[0], x.respond(bytes("{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}")));
        assertTrue(x.failureDetail().startsWith("status 401"), x.failureDetail());
        assertThrows(IllegalArgumentException.class, () -> SaslMechanism.xoauth2("u", "tok\u0001en"));
    }
}
