package io.github.pop3lite.client;

import static io.github.pop3lite.client.DotTerminatedInputStreamTest.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Commands out, replies and listings in, without a network. */
class Pop3ChannelTest {

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private Pop3Channel channel(String serverBytes) {
        return channel(new ByteArrayInputStream(latin1(serverBytes)));
    }

    private Pop3Channel channel(InputStream server) {
        return new Pop3Channel(new Pop3Input(server, null, 0), sent);
    }

    private String sent() {
        return sent.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void pipelinedCommandsGoOutTogetherAndRepliesAreMatchedInOrder() throws IOException {
        Pop3Channel channel = channel("+OK 1\r\n-ERR 2\r\n+OK 3\r\n");
        channel.send("DELE", "1");
        channel.send("DELE", "2");
        channel.send("NOOP");
        assertEquals("", sent(), "nothing goes out before a flush or a reply");
        assertEquals(3, channel.awaitingReply());
        assertEquals("+OK 1", channel.reply().line());
        assertEquals("DELE 1\r\nDELE 2\r\nNOOP\r\n", sent());
        assertEquals("-ERR 2", channel.reply().line());
        assertEquals("+OK 3", channel.reply().line());
        assertEquals(0, channel.awaitingReply());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"alice\r\nDELE 1", "alice\nDELE 1", "alice\rDELE 1", "alice\0"})
    void refusesAnArgumentThatCouldInjectACommand(String argument) throws IOException {
        Pop3Channel channel = channel("");
        assertThrows(IllegalArgumentException.class, () -> channel.send("USER", argument));
        assertThrows(IllegalArgumentException.class, () -> channel.send("PASS", 0, argument));
        channel.flush();
        assertEquals("", sent());
        assertEquals(0, channel.awaitingReply());
    }

    @Test
    void refusesACommandLongerThan255Octets() throws IOException {
        Pop3Channel channel = channel("");
        String fits = "u".repeat(Pop3Channel.MAX_COMMAND_LENGTH - "USER ".length() - 2);
        channel.send("USER", fits);
        assertThrows(IllegalArgumentException.class, () -> channel.send("USER", fits + "u"));
        channel.flush();
        assertEquals("USER " + fits + "\r\n", sent());
    }

    @Test
    void listingLinesAreUnstuffedAndEndAtTheDotLine() throws IOException {
        byte[] wire = latin1("1 a\r\n..2 b\r\n.x\n\r\n.\r\n+OK next\r\n");
        for (int i = 1; i < wire.length; i++) {
            Pop3Channel channel = channel(ChunkedInputStream.splitAt(wire, i));
            List<String> lines = new ArrayList<>();
            for (String line = channel.listingLine(channel.listingBudget("a listing")); line != null; line = channel.listingLine(channel.listingBudget("a listing"))) {
                lines.add(line);
            }
            assertEquals(List.of("1 a", ".2 b", "x", ""), lines, "split at " + i);
            assertEquals("+OK next", channel.reply().line());
        }
    }

    @Test
    void aListingCutShortIsAProtocolError() {
        Pop3Channel channel = channel("1 a\r\n2 b\r\n");
        assertThrows(Pop3ProtocolException.class, () -> {
            while (channel.listingLine(channel.listingBudget("a listing")) != null) {
                // read until the connection ends
            }
        });
    }

    @Test
    void afterSwitchingTransportCommandsGoToTheNewOneAndOldBytesAreDropped() throws IOException {
        Pop3Channel channel = channel("+OK begin\r\n+OK injected\r\n");
        channel.send("STLS");
        assertEquals("+OK begin", channel.reply().line());
        ByteArrayOutputStream newOut = new ByteArrayOutputStream();
        int dropped = channel.switchTo(new ByteArrayInputStream(latin1("+OK real\r\n")), newOut, null);
        assertEquals("+OK injected\r\n".length(), dropped);
        channel.send("CAPA");
        assertEquals("+OK real", channel.reply().line());
        assertEquals("STLS\r\n", sent());
        assertEquals("CAPA\r\n", newOut.toString(StandardCharsets.ISO_8859_1));
        assertEquals(0, channel.awaitingReply());
    }
}
