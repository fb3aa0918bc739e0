package io.github.pop3lite.client;

import static io.github.pop3lite.client.DotTerminatedInputStreamTest.latin1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test server itself: it must notice every way a client can stray from the script. */
class ScriptedPop3ServerTest {

    private static Socket connect(ScriptedPop3Server server) throws IOException {
        return new Socket(server.address(), server.port());
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void sendsExactBytesAndRecordsEveryLine() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                ScriptedPop3Server.script().sendInChunks("+OK hi\r\n", 3).expect("USER a").send("+OK\r\n").expectClosed(),
                ScriptedPop3Server.script().send("+OK again\r\n").expect("QUIT").expectClosed())) {
            try (Socket socket = connect(server)) {
                assertArrayEquals(latin1("+OK hi\r\n"), socket.getInputStream().readNBytes(8));
                send(socket, "USER a\r\n");
                assertArrayEquals(latin1("+OK\r\n"), socket.getInputStream().readNBytes(5));
            }
            try (Socket socket = connect(server)) {
                send(socket, "QUIT\r\n");
            }
            server.awaitScriptDone();
            assertEquals(List.of("USER a", "QUIT"), server.received());
        }
    }

    @Test
    void reportsAnUnexpectedCommand() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script().expect("USER alice"))) {
            try (Socket socket = connect(server)) {
                send(socket, "USER bob\r\n");
                AssertionError e = assertThrows(AssertionError.class, server::awaitScriptDone);
                assertTrue(e.getMessage().contains("'USER bob'"), e.getMessage());
            }
        }
    }

    @Test
    void reportsALineEndingInABareLf() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script().expect("NOOP"))) {
            try (Socket socket = connect(server)) {
                send(socket, "NOOP\n");
                AssertionError e = assertThrows(AssertionError.class, server::awaitScriptDone);
                assertTrue(e.getMessage().contains("bare LF"), e.getMessage());
            }
        }
    }

    @Test
    void reportsALineSentWhenTheClientShouldHaveClosed() throws Exception {
        try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script().expectClosed())) {
            try (Socket socket = connect(server)) {
                send(socket, "QUIT\r\n");
                AssertionError e = assertThrows(AssertionError.class, server::awaitScriptDone);
                assertTrue(e.getMessage().contains("'QUIT'"), e.getMessage());
            }
        }
    }

    @Test
    void reportsTheStepItIsStuckAt() throws Exception {
        Script script = ScriptedPop3Server.script().send("+OK\r\n").expect("QUIT");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Socket socket = connect(server)) {
                AssertionError e = assertThrows(AssertionError.class, () -> server.awaitScriptDone(Duration.ofMillis(300)));
                assertTrue(e.getMessage().contains("step 2 (expect 'QUIT')"), e.getMessage());
            }
        }
    }

    @Test
    void theGeneratedMessageReadsBackToItsOwnLengthAndDigest() throws Exception {
        GeneratedMessage message = GeneratedMessage.ofAtLeast(1);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        message.writeTo(wire);
        byte[] plain = new DotTerminatedInputStream(new Pop3Input(new ByteArrayInputStream(wire.toByteArray()), null, 0))
                .readAllBytes();
        assertTrue(wire.size() > plain.length, "some lines were stuffed");
        assertEquals(message.length(), plain.length);
        assertEquals(message.sha256Hex(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain)));
    }
}
