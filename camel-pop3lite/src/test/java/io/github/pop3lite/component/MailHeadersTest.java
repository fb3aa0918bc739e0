package io.github.pop3lite.component;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.camel.util.CaseInsensitiveMap;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailHeadersTest {

    private static Map<String, Object> read(String message) throws IOException {
        Map<String, Object> headers = new CaseInsensitiveMap();
        MailHeaders.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), headers,
                new MailHeaderFilterStrategy(), null);
        return headers;
    }

    @Test
    void readsTheHeaderOnlyAndStopsAtTheBlankLine() throws Exception {
        Map<String, Object> headers = read("Subject: hi\r\nX-A: 1\r\n\r\nX-Not-A-Header: body\r\n");
        assertEquals(Map.of("Subject", "hi", "X-A", "1"), headers);
    }

    @Test
    void textThatOnlyLooksLikeAnEncodedWordIsKept() throws Exception {
        assertEquals("a =? b ?= c", read("Subject: a =? b ?= c\r\n\r\n").get("subject"));
        assertEquals("caf\u00e9 ok", read("Subject: =?ISO-8859-1?Q?caf=E9?= ok\r\n\r\n").get("subject"));
    }

    @Test
    void repeatedFieldsInAnyCaseBecomeAList() throws Exception {
        assertEquals(List.of("a", "b", "c"), read("Received: a\r\nreceived: b\r\nRECEIVED: c\r\n\r\n").get("Received"));
    }

    @Test
    void aMessageWithoutBodyOrBlankLineStillMapsItsFields() throws Exception {
        assertEquals(Map.of("Subject", "only a header"), read("Subject: only a header\r\n"));
    }

    @Test
    void existingHeadersAreKeptAndCamelNamedFieldsAreDropped() throws Exception {
        Map<String, Object> headers = new CaseInsensitiveMap();
        headers.put(Pop3LiteConstants.UID, "real");
        MailHeaders.read(new ByteArrayInputStream(("CamelPop3LiteUid: forged\r\norg.apache.camel.x: y\r\n"
                                                   + "Subject: s\r\n\r\n").getBytes(StandardCharsets.US_ASCII)), headers,
                new MailHeaderFilterStrategy(), null);
        assertEquals(Map.of(Pop3LiteConstants.UID, "real", "Subject", "s"), headers);
    }

    @Test
    void theOwnHeadersCannotBeForgedWhateverTheFilter() throws Exception {
        Map<String, Object> headers = new CaseInsensitiveMap();
        headers.put(Pop3LiteConstants.UID, "real");
        MailHeaders.read(new ByteArrayInputStream("camelpop3liteuid: forged\r\nJMSType: t\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)), headers, new PassEverything(), null);
        assertEquals(Map.of(Pop3LiteConstants.UID, "real", "JMSType", "t"), headers);
    }

    @Test
    void fieldsPastTheCountBoundAreDroppedAndLoggedOnce() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < MailHeaders.MAX_MAPPED_FIELDS + 5; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        try (LogCapture log = new LogCapture()) {
            Map<String, Object> headers = read(many + "\r\nbody");
            assertEquals(MailHeaders.MAX_MAPPED_FIELDS, headers.size());
            assertEquals("v", headers.get("X-0"));
            assertFalse(headers.containsKey("X-" + MailHeaders.MAX_MAPPED_FIELDS));
            assertEquals(1, log.at(Level.DEBUG, "Mail header fields not mapped: 0 by the headerFilterStrategy, 5 over"
                                                + " the bounds").size(), log.fullText());
        }
    }

    @Test
    void fieldsPastTheTotalSizeBoundAreDropped() throws Exception {
        String value = "y".repeat(60_000);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            big.append("X-").append(i).append(": ").append(value).append("\r\n");
        }
        Map<String, Object> headers = read(big + "Subject: small\r\n\r\n");
        // four of 60,000 fit into 256 KiB; the small field after them still does
        assertEquals(java.util.Set.of("X-0", "X-1", "X-2", "X-3", "Subject"), java.util.Set.copyOf(headers.keySet()));
    }

    @Test
    void anOversizedFieldIsSkippedAndTheOthersAreMapped() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Map<String, Object> headers = read("From: a@example.com\r\nX-Huge: " + "x".repeat(70_000)
                                               + "\r\nSubject: s\r\n\r\nbody");
            assertEquals(Map.of("From", "a@example.com", "Subject", "s"), headers);
            assertEquals(1, log.at(Level.DEBUG, "oversized (over 65536 octets): [X-Huge]").size(), log.fullText());
        }
        // folded over many lines, each short
        assertEquals(Map.of("Subject", "s"), read("X-Folded: a\r\n" + " b\r\n".repeat(30_000) + "Subject: s\r\n\r\n"));
    }

    @Test
    void aHeaderBlockLongerThanItsBoundIsReadNoFurther() throws Exception {
        StringBuilder block = new StringBuilder("Subject: first\r\n");
        while (block.length() < MailHeaders.MAX_BLOCK_OCTETS + 100_000) {
            block.append("Received: from somewhere by somewhere else\r\n");
        }
        block.append("X-Late: never read\r\n\r\nbody");
        Map<String, Object> headers = read(block.toString());
        assertEquals("first", headers.get("Subject"));
        assertFalse(headers.containsKey("X-Late"));
    }

    /** A line of 40 MB without line end: it is read only up to the block bound, and the fields before it are mapped. */
    @Test
    void anEndlessLineIsReadOnlyUpToTheBlockBound() throws Exception {
        CountingInputStream message = new CountingInputStream(40_000_000);
        Map<String, Object> headers = new CaseInsensitiveMap();
        MailHeaders.read(message, headers, new MailHeaderFilterStrategy(), null);
        assertEquals(Map.of("Subject", "before"), headers);
        assertTrue(message.read <= MailHeaders.MAX_BLOCK_OCTETS, "read " + message.read + " octets");
    }

    @Test
    void aHeaderOfManyReadsIsMappedWholeWhereverTheReadsEnd() throws Exception {
        // fields of 1 to 300 octets: over a few KiB some line ending falls on every position of a read
        StringBuilder header = new StringBuilder();
        Map<String, Object> expected = new java.util.HashMap<>();
        for (int i = 0; i < 60; i++) {
            String value = "v" + i + "-" + "x".repeat(i * 5);
            header.append("X-F").append(i).append(": ").append(value).append("\r\n");
            expected.put("X-F" + i, value);
        }
        assertEquals(expected, read(header + "\r\nbody\r\n"));
    }

    @Test
    void eachMessageGetsItsOwnFieldsWhenOneThreadMapsManyInARow() throws Exception {
        // the parser's buffers are recycled from one message to the next on the same thread
        String longFirst = "X-Long: " + "a".repeat(3000) + "\r\nSubject: first\r\nX-Only-First: 1\r\n\r\n";
        for (int i = 0; i < 3; i++) {
            Map<String, Object> first = read(longFirst);
            assertEquals("a".repeat(3000), first.get("X-Long"));
            assertEquals("first", first.get("Subject"));
            assertEquals(Map.of("Subject", "second " + i), read("Subject: second " + i + "\r\n\r\nX-Body: no\r\n"));
        }
    }

    /** "Subject: before", then an endless field line. */
    static final class CountingInputStream extends java.io.InputStream {
        private final byte[] start = "Subject: before\r\nX-Long: ".getBytes(StandardCharsets.US_ASCII);
        private final long length;
        long read;

        CountingInputStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            if (read >= length) {
                return -1;
            }
            return read < start.length ? start[(int) read++] : (read++ % 2 == 0 ? 'a' : 'b');
        }
    }

    /** Keeps every field, to show what the consumer protects whatever filter a user gives. */
    static final class PassEverything implements org.apache.camel.spi.HeaderFilterStrategy {
        @Override
        public boolean applyFilterToCamelHeaders(String name, Object value, org.apache.camel.Exchange exchange) {
            return false;
        }

        @Override
        public boolean applyFilterToExternalHeaders(String name, Object value, org.apache.camel.Exchange exchange) {
            return false;
        }
    }
}
