package io.github.pop3lite.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The message data reader against the checklist's stream-level cases, with the server's bytes split
 * into reads of every size from 1 to 5 and at every single position, and read by the caller in
 * pieces of 1, 3 and 8192 bytes. After the data, the next status line must still be readable.
 */
class DotTerminatedInputStreamTest {

    /** The reply that follows the data in every complete case: it must survive the data's end. */
    private static final String NEXT = "+OK next";

    private static final int[] READ_LENGTHS = {1, 3, 8192};

    /**
     * @param wire     what the server sends (for complete cases, up to and including the terminator)
     * @param expected the message data the caller must get; for truncated cases, what may come
     *                 before the failure
     */
    record Case(String name, byte[] wire, byte[] expected, boolean truncated) {

        static Case complete(String name, String wire, String expected) {
            return complete(name, latin1(wire), latin1(expected));
        }

        static Case complete(String name, byte[] wire, byte[] expected) {
            byte[] next = latin1(NEXT + "\r\n");
            byte[] all = Arrays.copyOf(wire, wire.length + next.length);
            System.arraycopy(next, 0, all, wire.length, next.length);
            return new Case(name, all, expected, false);
        }

        static Case truncated(String name, String wire, String mayDeliver) {
            return new Case(name, latin1(wire), latin1(mayDeliver), true);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        byte[] everyOctet = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyOctet[i] = (byte) i;
        }
        byte[] invalidUtf8 = HexFormat.of().parseHex("c328a0a1f0288cbceda080fffec0af");
        return List.of(
                Case.complete("plain lines", "Hello\r\nWorld\r\n.\r\n", "Hello\r\nWorld\r\n"),
                Case.complete("empty message", ".\r\n", ""),
                Case.complete("empty lines", "\r\n\r\n.\r\n", "\r\n\r\n"),
                // checklist 1: stuffed lines lose exactly one dot
                Case.complete("stuffed '..' loses one dot", "..\r\n.\r\n", ".\r\n"),
                Case.complete("stuffed '..x' loses one dot", "a\r\n..x\r\n.\r\n", "a\r\n.x\r\n"),
                Case.complete("stuffed '...' loses one dot", "...\r\n.\r\n", "..\r\n"),
                Case.complete("stuffed '..' as last line", "a\r\n..\r\n.\r\n", "a\r\n.\r\n"),
                Case.complete("non-conformant '.x' keeps x", ".x\r\nb\r\n.\r\n", "x\r\nb\r\n"),
                Case.complete("'. ' is a stuffed line, not a terminator", ". \r\n.\r\n", " \r\n"),
                Case.complete("'.' CR then text is a stuffed line starting with CR", ".\rX\r\n.\r\n", "\rX\r\n"),
                // checklist 2: only "." CRLF alone at the start of a line ends the data
                Case.complete("'abc.' CRLF is not a terminator", "abc.\r\nd\r\n.\r\n", "abc.\r\nd\r\n"),
                Case.complete("'Hello' then '.' CRLF on the same line is data", "Hello.\r\n.\r\n", "Hello.\r\n"),
                Case.complete("a dot in the middle of a line stays", "a.b\r\n.\r\n", "a.b\r\n"),
                Case.complete("CR inside a line passes", "a\rb\r\r\n.\r\n", "a\rb\r\r\n"),
                // checklist 5: octets pass unchanged
                Case.complete("all 256 octet values", concat(everyOctet, latin1("\r\n.\r\n")),
                        concat(everyOctet, latin1("\r\n"))),
                Case.complete("NUL octets", "\0\0\r\n\0.\r\n.\0\r\n.\r\n", "\0\0\r\n\0.\r\n\0\r\n"),
                Case.complete("invalid UTF-8", concat(invalidUtf8, latin1("\r\n.\r\n")),
                        concat(invalidUtf8, latin1("\r\n"))),
                Case.complete("8-bit octet after a stuffed dot", "..\u00ff\r\n.\r\n", ".\u00ff\r\n"),
                // checklist 6, the bare LF policy: lines end at LF, and "." LF ends the data
                Case.complete("bare LF: lines end at LF and '.' LF ends the data", "a\nb\n.\n", "a\nb\n"),
                Case.complete("bare LF: '..' LF loses one dot", "..\nx\n.\n", ".\nx\n"),
                Case.complete("bare LF: CRLF lines then '.' LF ends the data", "a\r\n.\n", "a\r\n"),
                Case.complete("bare LF: '.' after a bare LF line ends the data", "a\r\nb\n.\r\n", "a\r\nb\n"),
                // checklist 3: a connection closed before the terminator is an error
                Case.truncated("closed in the middle of a line", "Hello\r\nWor", "Hello\r\nWor"),
                Case.truncated("closed after a complete line", "Hello\r\n", "Hello\r\n"),
                Case.truncated("closed before any data", "", ""),
                Case.truncated("closed after '.' at the start of a line", "Hello\r\n.", "Hello\r\n"),
                Case.truncated("closed after '.' CR (no LF)", "Hello\r\n.\r", "Hello\r\n"),
                Case.truncated("closed after a stuffed '..'", "..", "."),
                Case.truncated("bare LF: closed after a bare LF line", "a\n", "a\n"));
    }

    static Stream<Arguments> casesAndSplitSizes() {
        return cases().stream().flatMap(c -> IntStream.rangeClosed(1, 5).mapToObj(k -> Arguments.of(c, k)));
    }

    @ParameterizedTest(name = "{0}, server reads of {1} octets")
    @MethodSource("casesAndSplitSizes")
    void deliversTheDataAtEverySplitSize(Case c, int k) throws IOException {
        for (int readLength : READ_LENGTHS) {
            assertReads(c, ChunkedInputStream.ofChunks(c.wire(), k), readLength, "reads of " + k);
        }
    }

    @ParameterizedTest(name = "{0}, server reads of 1, 2, 3, 4, 5 octets in turn")
    @MethodSource("cases")
    void deliversTheDataWithCyclingSplitSizes(Case c) throws IOException {
        for (int readLength : READ_LENGTHS) {
            assertReads(c, ChunkedInputStream.cycling(c.wire()), readLength, "cycling reads");
        }
    }

    @ParameterizedTest(name = "{0}, split in two at every position")
    @MethodSource("cases")
    void deliversTheDataWhenSplitAtEveryPosition(Case c) throws IOException {
        for (int i = 1; i < c.wire().length; i++) {
            for (int readLength : READ_LENGTHS) {
                assertReads(c, ChunkedInputStream.splitAt(c.wire(), i), readLength, "split at " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}, in one read")
    @MethodSource("cases")
    void deliversTheDataInOneRead(Case c) throws IOException {
        for (int readLength : READ_LENGTHS) {
            assertReads(c, new ByteArrayInputStream(c.wire()), readLength, "one read");
        }
    }

    /** Checklist 4: a long body line is legal data, unlike a long status line. */
    @ParameterizedTest(name = "server reads of {0} octets")
    @ValueSource(ints = {1, 2, 3, 4, 5, 65536})
    void passesA100kBodyLine(int k) throws IOException {
        byte[] line = new byte[100_000];
        Arrays.fill(line, (byte) 'x');
        line[0] = '.';
        byte[] expected = concat(Arrays.copyOfRange(line, 1, line.length), latin1("\r\n"));
        Case c = Case.complete("100 kB line", concat(line, latin1("\r\n.\r\n")), expected);
        assertReads(c, ChunkedInputStream.ofChunks(c.wire(), k), 8192, "reads of " + k);
    }

    @ParameterizedTest(name = "server reads of {0} octets")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void closeBeforeTheEndDrainsToTheTerminatorAndKeepsTheNextReply(int k) throws IOException {
        byte[] wire = latin1("line one\r\n..stuffed\r\nline three\r\n.\r\n" + NEXT + "\r\n");
        for (int consumed = 0; consumed < 20; consumed++) {
            Pop3Input input = new Pop3Input(ChunkedInputStream.ofChunks(wire, k), null, 0);
            DotTerminatedInputStream data = new DotTerminatedInputStream(input);
            data.readNBytes(consumed);
            data.close();
            assertTrue(data.isDone(), "after reading " + consumed + " octets");
            assertEquals(NEXT, new String(input.readLine(), StandardCharsets.ISO_8859_1),
                    "after reading " + consumed + " octets and closing");
        }
    }

    @Test
    void closingAStreamWhoseConnectionDiedReportsTheTruncation() {
        Pop3Input input = new Pop3Input(ChunkedInputStream.cycling(latin1("Hello\r\nWor")), null, 0);
        DotTerminatedInputStream data = new DotTerminatedInputStream(input);
        assertThrows(Pop3ProtocolException.class, data::close);
    }

    @Test
    void afterTheEndEveryReadReturnsEndOfStreamAndLeavesTheNextReply() throws IOException {
        Pop3Input input = new Pop3Input(new ByteArrayInputStream(latin1("a\r\n.\r\n" + NEXT + "\r\n")), null, 0);
        DotTerminatedInputStream data = new DotTerminatedInputStream(input);
        assertArrayEquals(latin1("a\r\n"), data.readAllBytes());
        assertEquals(-1, data.read());
        assertEquals(-1, data.read(new byte[10], 0, 10));
        assertEquals(0, data.read(new byte[10], 0, 0));
        assertEquals(3, data.delivered());
        assertEquals(NEXT, new String(input.readLine(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void twoMessagesBackToBackEachEndAtTheirTerminator() throws IOException {
        byte[] wire = latin1("+OK\r\nfirst\r\n.\r\n+OK\r\n..second\r\n.\r\n");
        for (int i = 1; i < wire.length; i++) {
            Pop3Input input = new Pop3Input(ChunkedInputStream.splitAt(wire, i), null, 0);
            assertEquals("+OK", new String(input.readLine(), StandardCharsets.ISO_8859_1));
            assertArrayEquals(latin1("first\r\n"), new DotTerminatedInputStream(input).readAllBytes(), "split at " + i);
            assertEquals("+OK", new String(input.readLine(), StandardCharsets.ISO_8859_1));
            assertArrayEquals(latin1(".second\r\n"), new DotTerminatedInputStream(input).readAllBytes(), "split at " + i);
        }
    }

    private static void assertReads(Case c, InputStream wire, int readLength, String how) throws IOException {
        String context = c.name() + ", " + how + ", caller reads of " + readLength;
        Pop3Input input = new Pop3Input(wire, null, 0);
        DotTerminatedInputStream data = new DotTerminatedInputStream(input);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        if (c.truncated()) {
            assertThrows(Pop3ProtocolException.class, () -> readAll(data, readLength, got),
                    context + ": a closed connection must be an error, never the end of the message");
            assertTrue(startsWith(c.expected(), got.toByteArray()), context + ": delivered "
                    + printable(got.toByteArray()) + ", which is not a prefix of " + printable(c.expected()));
            return;
        }
        readAll(data, readLength, got);
        assertEquals(printable(c.expected()), printable(got.toByteArray()), context);
        assertArrayEquals(c.expected(), got.toByteArray(), context);
        assertTrue(data.isDone(), context);
        assertEquals(NEXT, new String(input.readLine(), StandardCharsets.ISO_8859_1),
                context + ": the reply after the data must stay in the buffer");
        assertThrows(Pop3ProtocolException.class, input::readLine, context + ": nothing may follow the next reply");
    }

    private static void readAll(InputStream in, int readLength, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[readLength];
        for (int reads = 0; ; reads++) {
            int n = readLength == 1 ? single(in, buf) : in.read(buf, 0, readLength);
            if (n < 0) {
                return;
            }
            if (n == 0) {
                fail("read returned 0 for a non-empty request");
            }
            to.write(buf, 0, n);
            if (reads > 1_000_000) {
                fail("no end after a million reads");
            }
        }
    }

    /** The one-octet {@link InputStream#read()}, which has its own path. */
    private static int single(InputStream in, byte[] buf) throws IOException {
        int b = in.read();
        if (b < 0) {
            return -1;
        }
        buf[0] = (byte) b;
        return 1;
    }

    private static boolean startsWith(byte[] whole, byte[] prefix) {
        return prefix.length <= whole.length && Arrays.equals(whole, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            int v = b & 0xff;
            s.append(v >= 0x20 && v < 0x7f ? String.valueOf((char) v) : String.format("<%02x>", v));
        }
        return s.toString();
    }
}
