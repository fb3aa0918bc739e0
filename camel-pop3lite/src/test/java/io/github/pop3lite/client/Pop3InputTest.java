package io.github.pop3lite.client;

import static io.github.pop3lite.client.DotTerminatedInputStreamTest.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Status and listing lines: line ends, the length limit, and lines split across reads. */
class Pop3InputTest {

    private static final String GREETING = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";

    @ParameterizedTest(name = "server reads of {0} octets")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void linesEndAtCrlfOrBareLfAtEverySplitSize(int k) throws IOException {
        byte[] wire = latin1("+OK a\r\nb\nc\rd\r\n\r\n");
        assertEquals(List.of("+OK a", "b", "c\rd", ""), readLines(ChunkedInputStream.ofChunks(wire, k), 4));
    }

    @Test
    void linesEndAtCrlfOrBareLfWhenSplitAtEveryPosition() throws IOException {
        byte[] wire = latin1("+OK a\r\nb\nc\rd\r\n\r\n");
        for (int i = 1; i < wire.length; i++) {
            assertEquals(List.of("+OK a", "b", "c\rd", ""), readLines(ChunkedInputStream.splitAt(wire, i), 4),
                    "split at " + i);
        }
    }

    /** Checklist 13: a greeting that arrives in pieces is one greeting. */
    @ParameterizedTest(name = "server reads of {0} octets")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void greetingSplitAcrossReads(int k) throws IOException {
        assertGreeting(ChunkedInputStream.ofChunks(latin1(GREETING), k), "reads of " + k);
    }

    @Test
    void greetingSplitAtEveryPosition() throws IOException {
        byte[] wire = latin1(GREETING);
        for (int i = 1; i < wire.length; i++) {
            assertGreeting(ChunkedInputStream.splitAt(wire, i), "split at " + i);
        }
    }

    private static void assertGreeting(InputStream wire, String how) throws IOException {
        Pop3Reply greeting = Pop3Reply.parse(new Pop3Input(wire, null, 0).readLine());
        assertTrue(greeting.ok(), how);
        assertEquals("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", greeting.text(), how);
        assertEquals("<1896.697170952@dbc.mtview.ca.us>", Apop.timestamp(greeting.text()).orElseThrow(), how);
    }

    @ParameterizedTest(name = "server reads of {0} octets")
    @ValueSource(ints = {1, 2, 3, 4, 5, 65536})
    void acceptsALineOfExactlyTheLimitLineEndIncluded(int k) throws IOException {
        String line = "+OK " + "x".repeat(Pop3Input.MAX_LINE_LENGTH - 6);
        byte[] wire = latin1(line + "\r\n+OK next\r\n");
        assertEquals(List.of(line, "+OK next"), readLines(ChunkedInputStream.ofChunks(wire, k), 2));
    }

    /** Checklist 4: the limit holds however the line arrives, also in a single read with its CRLF. */
    @ParameterizedTest(name = "server reads of {0} octets")
    @ValueSource(ints = {1, 2, 3, 4, 5, 65536})
    void refusesALineOneOctetOverTheLimit(int k) {
        byte[] wire = latin1("+OK " + "x".repeat(Pop3Input.MAX_LINE_LENGTH - 5) + "\r\n");
        Pop3Input input = new Pop3Input(ChunkedInputStream.ofChunks(wire, k), null, 0);
        Pop3ProtocolException e = assertThrows(Pop3ProtocolException.class, input::readLine);
        assertTrue(e.getMessage().contains("longer than " + Pop3Input.MAX_LINE_LENGTH), e.getMessage());
    }

    @Test
    void refusesAStatusLineOf2000OctetsThatArrivesWhole() {
        byte[] wire = latin1("-ERR " + "y".repeat(2000) + "\r\n");
        assertThrows(Pop3ProtocolException.class, () -> new Pop3Input(new ByteArrayInputStream(wire), null, 0).readLine());
    }

    /** Checklist 4: megabytes without a line end fail fast, after reading at most one buffer. */
    @Test
    void refusesAnEndlessLineAfterReadingBoundedData() {
        EndlessStream endless = new EndlessStream();
        Pop3Input input = new Pop3Input(endless, null, 0);
        assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThrows(Pop3ProtocolException.class, input::readLine));
        assertTrue(endless.served <= Pop3Input.BUFFER_SIZE, "read " + endless.served + " octets of a line");
    }

    @Test
    void aConnectionClosedInTheMiddleOfALineIsAProtocolError() {
        Pop3Input input = new Pop3Input(new ByteArrayInputStream(latin1("+OK no line en")), null, 0);
        Pop3ProtocolException e = assertThrows(Pop3ProtocolException.class, input::readLine);
        assertTrue(e.getMessage().contains("middle of a line"), e.getMessage());
    }

    @Test
    void aConnectionClosedBeforeAnyReplyIsAProtocolError() {
        Pop3Input input = new Pop3Input(new ByteArrayInputStream(new byte[0]), null, 0);
        Pop3ProtocolException e = assertThrows(Pop3ProtocolException.class, input::readLine);
        assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }

    /** RFC 2595: whatever came after the STLS reply on the plain connection is thrown away. */
    @Test
    void switchingTransportDiscardsWhatTheOldOneSentBeyondTheReply() throws IOException {
        Pop3Input input = new Pop3Input(new ByteArrayInputStream(latin1("+OK begin TLS\r\n-ERR injected\r\n")), null, 0);
        assertEquals("+OK begin TLS", new String(input.readLine(), StandardCharsets.ISO_8859_1));
        assertEquals("-ERR injected\r\n".length(), input.switchTo(new ByteArrayInputStream(latin1("+OK\r\n")), null));
        assertEquals("+OK", new String(input.readLine(), StandardCharsets.ISO_8859_1));
    }

    private static List<String> readLines(InputStream wire, int count) throws IOException {
        Pop3Input input = new Pop3Input(wire, null, 0);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(new String(input.readLine(), StandardCharsets.ISO_8859_1));
        }
        assertThrows(Pop3ProtocolException.class, input::readLine, "nothing may follow");
        return lines;
    }

    /** A server that sends 'A' forever and counts what it sent. */
    private static final class EndlessStream extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return 'A';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) 'A');
            served += len;
            return len;
        }
    }
}
