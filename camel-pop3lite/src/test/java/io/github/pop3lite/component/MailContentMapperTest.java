package io.github.pop3lite.component;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.converter.stream.ByteArrayInputStreamCache;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The content mapper on its own, over a raw message in a stream cache as the consumer hands it over. */
class MailContentMapperTest extends CamelTestSupport {

    private final MailContentMapper textAndAttachments =
            new MailContentMapper(true, true, AttachmentNames.Duplicates.UUID_SUFFIX);

    private Exchange mapped(byte[] raw) {
        Exchange exchange = new DefaultExchange(context);
        StreamCache body = new ByteArrayInputStreamCache(new ByteArrayInputStream(raw));
        exchange.getIn().setBody(body);
        textAndAttachments.map(exchange, body);
        return exchange;
    }

    private static byte[] textMail(String charset, byte[] text) {
        byte[] head = ("Subject: charset\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=" + charset
                       + "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] mail = new byte[head.length + text.length];
        System.arraycopy(head, 0, mail, 0, head.length);
        System.arraycopy(text, 0, mail, head.length, text.length);
        return mail;
    }

    @Test
    void usAsciiDeclaredForUtf8TextIsReadAsUtf8() {
        Exchange exchange = mapped(textMail("us-ascii", "Grüße 日本".getBytes(StandardCharsets.UTF_8)));
        assertEquals("Grüße 日本", exchange.getIn().getBody());
        assertEquals("text/plain; charset=UTF-8", exchange.getIn().getHeader(Pop3LiteConstants.BODY_CONTENT_TYPE));
    }

    @Test
    void anUnknownCharsetFallsBackToUtf8OrWindows1252() {
        Exchange utf8 = mapped(textMail("x-no-such-charset", "Grüße".getBytes(StandardCharsets.UTF_8)));
        assertEquals("Grüße", utf8.getIn().getBody());
        Exchange latin = mapped(textMail("x-no-such-charset", "Grüße – 20 €".getBytes(java.nio.charset.Charset.forName("windows-1252"))));
        assertEquals("Grüße – 20 €", latin.getIn().getBody());
        assertEquals("text/plain; charset=windows-1252", latin.getIn().getHeader(Pop3LiteConstants.BODY_CONTENT_TYPE));
    }

    @Test
    void octetsInvalidInTheDeclaredCharsetBecomeReplacementCharacters() {
        Exchange exchange = mapped(textMail("utf-8", "Gr\u00fc\u00dfe".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("Gr\ufffd\ufffde", exchange.getIn().getBody());
    }

    @Test
    void aMailWhoseMimeCannotBeMappedKeepsItsRawBodyAndSaysWhy() throws Exception {
        StringBuilder mail = new StringBuilder("Subject: hostile\r\nMIME-Version: 1.0\r\n"
                                               + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n");
        for (int i = 0; i < 1001; i++) {
            mail.append("X-Field-").append(i).append(": value\r\n");
        }
        mail.append("Content-Type: application/pdf\r\n\r\n%PDF\r\n--b--\r\n");
        byte[] raw = mail.toString().getBytes(StandardCharsets.US_ASCII);
        Exchange exchange = mapped(raw);

        String failure = exchange.getIn().getHeader(Pop3LiteConstants.MAPPING_FAILURE, String.class);
        assertNotNull(failure);
        assertInstanceOf(StreamCache.class, exchange.getIn().getBody(), "the body stays the raw message");
        assertEquals(mail.toString(), exchange.getIn().getBody(String.class));
        assertFalse(exchange.getIn() instanceof AttachmentMessage am && am.hasAttachments());
        assertSame(exchange.getIn().getBody(), exchange.getProperty(Pop3LiteConstants.RAW_MESSAGE));
        assertFalse(Pop3LiteAttachments.attachments(exchange).hasNext(), "an unmapped mail splits into nothing");
    }

    @Test
    void multipartsNestedBeyondTheBoundAreNotMapped() {
        StringBuilder mail = new StringBuilder("Subject: deep\r\nMIME-Version: 1.0\r\n");
        int depth = MimeParts.MAX_DEPTH + 10;
        for (int i = 0; i < depth; i++) {
            mail.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i).append("\r\n");
        }
        mail.append("Content-Type: text/plain\r\n\r\ndeep text\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            mail.append("--b").append(i).append("--\r\n");
        }
        Exchange exchange = mapped(mail.toString().getBytes(StandardCharsets.US_ASCII));
        assertTrue(exchange.getIn().getHeader(Pop3LiteConstants.MAPPING_FAILURE, String.class).contains("nested"),
                exchange.getIn().getHeader(Pop3LiteConstants.MAPPING_FAILURE, String.class));
        assertEquals(mail.toString(), exchange.getIn().getBody(String.class));
    }

    @Test
    void duplicatesCanBeLeftOutAsCamelMailsNeverDoes() {
        Exchange exchange = new DefaultExchange(context);
        StreamCache body = new ByteArrayInputStreamCache(new ByteArrayInputStream(MailCorpus.all().get("duplicate-names")));
        exchange.getIn().setBody(body);
        new MailContentMapper(false, true, AttachmentNames.Duplicates.NEVER).map(exchange, body);
        AttachmentMessage message = exchange.getIn(AttachmentMessage.class);
        assertEquals(List.of("scan.pdf"), List.copyOf(message.getAttachmentNames()));
        assertInstanceOf(StreamCache.class, message.getBody(), "attachments alone leave the raw body");
        assertNull(exchange.getProperty(Pop3LiteConstants.RAW_MESSAGE));
    }

    @Test
    void theSplitParsesARawMailOneAttachmentAtATime() throws Exception {
        byte[] raw = MailCorpus.all().get("mixed-pdf-image");
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(new ByteArrayInputStreamCache(new ByteArrayInputStream(raw)));
        exchange.getIn().setHeader("Subject", "mixed-pdf-image");

        Exchange mapped = mapped(raw);
        List<String> expected = new ArrayList<>();
        for (String name : mapped.getIn(AttachmentMessage.class).getAttachmentNames()) {
            expected.add(name + " " + MailContentCorpusTest.sha256(mapped.getIn(AttachmentMessage.class)
                    .getAttachment(name).getInputStream()));
        }

        List<String> split = new ArrayList<>();
        Iterator<Message> parts = Pop3LiteAttachments.attachments(exchange);
        while (parts.hasNext()) {
            Message part = parts.next();
            assertEquals("mixed-pdf-image", part.getHeader("Subject"), "the mail's headers come along");
            assertEquals(part.getBody(String.class), part.getBody(String.class), "the body is re-readable");
            split.add(part.getHeader(Pop3LiteConstants.ATTACHMENT_NAME) + " "
                      + MailContentCorpusTest.sha256(part.getBody(java.io.InputStream.class)));
        }
        assertEquals(List.of("invoice-0042.pdf", "photo.png"), expected.stream().map(e -> e.split(" ")[0]).toList());
        assertEquals(expected, split);
    }

    @Test
    void attachmentsWithoutSpoolingSayHowToKeepThemOutOfTheHeap() {
        Pop3LiteConfiguration config = new Pop3LiteConfiguration();
        config.setAttachments(true);
        try (LogCapture logs = new LogCapture()) {
            assertNotNull(MailContentMapper.of(config, context));
            assertEquals(1, logs.warningsOrWorse("streamCachingSpoolEnabled=true").size(), logs.fullText());
        }
        context.getStreamCachingStrategy().setSpoolEnabled(true);
        try (LogCapture logs = new LogCapture()) {
            MailContentMapper.of(config, context);
            assertEquals(List.of(), logs.warningsOrWorse("streamCachingSpoolEnabled"));
        }
    }

    @Test
    void rawWithoutAttachmentsMapsNothingAndAnUnknownChoiceFails() {
        Pop3LiteConfiguration config = new Pop3LiteConfiguration();
        assertNull(MailContentMapper.of(config, context), "the default leaves the raw message alone");
        config.setMapMessage("txt");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MailContentMapper.of(config, context));
        assertEquals("pop3lite: unknown mapMessage 'txt': use raw or text", e.getMessage());
        config.setMapMessage("text");
        config.setHandleDuplicateAttachmentNames("rename");
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MailContentMapper.of(config, context));
        assertTrue(e.getMessage().contains("use never, uuidPrefix or uuidSuffix"), e.getMessage());
    }
}
