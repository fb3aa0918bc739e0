package io.github.pop3lite.component;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailHeadersTest {

    private static Map<String, Object> read(String message) throws IOException {
        Map<String, Object> headers = new CaseInsensitiveMap();
        MailHeaders.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), headers);
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
                                                   + "Subject: s\r\n\r\n").getBytes(StandardCharsets.US_ASCII)), headers);
        assertEquals(Map.of(Pop3LiteConstants.UID, "real", "Subject", "s"), headers);
    }

    @Test
    void aHeaderOverTheBoundsMapsNothing() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertTrue(read(many + "\r\nbody").isEmpty(), "1,001 fields");
        assertTrue(read("Subject: " + "x".repeat(70_000) + "\r\n\r\n").isEmpty(), "a field of 70,000 octets");
    }
}
