package io.github.pop3lite.component;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pop3LiteAttachments.split() in a route: one Exchange per attachment, spooled, its spool file gone afterwards. */
class Pop3LiteAttachmentsTest extends GreenMailTestSupport {

    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    /** A mail with a text part and an attachment larger than the spool threshold, and a small inline image. */
    private static String mailWithALargeAttachment(byte[] large) {
        return "From: billing@example.com\r\nTo: alice@example.com\r\nSubject: Invoice 7\r\nMessage-ID: <i7@example.com>\r\n"
               + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
               + "--m\r\nContent-Type: text/plain\r\n\r\nInvoice attached.\r\n"
               + "--m\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
               + "Content-Disposition: attachment; filename=\"invoice-7.pdf\"\r\n\r\n" + MailCorpus.base64(large)
               + "--m\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <sig@example.com>\r\n"
               + "Content-Disposition: inline\r\n\r\n" + MailCorpus.base64(MailCorpus.binary(100, 9))
               + "--m--\r\n";
    }

    @Test
    void oneExchangePerAttachmentWithNameTypeAndTheMailsHeaders() throws Exception {
        byte[] large = MailCorpus.binary(600 * 1024, 77);
        deliver(mailWithALargeAttachment(large));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("attachments=true&mapMessage=text")).routeId("pop3")
                        .process(e -> seen.put("text", e.getIn().getBody()))
                        .split(Pop3LiteAttachments.split())
                            .process(e -> {
                                String name = e.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_NAME, String.class);
                                Object body = e.getIn().getBody();
                                seen.put(name + ".inMemory", ((StreamCache) body).inMemory());
                                seen.put(name + ".spoolFiles", spoolFiles().size());
                                try (InputStream in = e.getIn().getBody(InputStream.class)) {
                                    seen.put(name + ".sha", MailContentCorpusTest.sha256(in));
                                }
                            })
                            .to("mock:parts")
                        .end()
                        .to("mock:out");
            }
        });
        awaitRouted(1);

        List<Exchange> parts = getMockEndpoint("mock:parts").getReceivedExchanges();
        assertEquals(2, parts.size());
        Exchange pdf = parts.get(0);
        assertEquals("invoice-7.pdf", pdf.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_NAME));
        assertEquals("application/pdf", pdf.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_CONTENT_TYPE));
        assertEquals("attachment", pdf.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_DISPOSITION));
        assertEquals("Invoice 7", pdf.getIn().getHeader("Subject"), "the mail's headers come along");
        assertEquals(MailContentCorpusTest.sha256(new java.io.ByteArrayInputStream(large)), seen.get("invoice-7.pdf.sha"));
        assertEquals(false, seen.get("invoice-7.pdf.inMemory"), "600 KiB are over the spool threshold: a spool file");
        assertTrue((Integer) seen.get("invoice-7.pdf.spoolFiles") >= 1);
        Exchange image = parts.get(1);
        assertEquals("attachment-2.png", image.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_NAME));
        assertEquals("image/png", image.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_CONTENT_TYPE));
        assertEquals("<sig@example.com>", image.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_CONTENT_ID));
        assertEquals("inline", image.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_DISPOSITION));
        assertEquals("Invoice attached.", seen.get("text"));
        assertInstanceOf(String.class, routed().get(0).getIn().getBody());

        await("the spool files are removed once the mail's Exchange completed").atMost(TIMEOUT)
                .until(() -> spoolFiles().size() == 0);
        assertEquals(List.of(), subjectsOnServer());
    }

    @Test
    void theSplitWorksOnARawMailToo() throws Exception {
        deliver(mailWithALargeAttachment("small enough".getBytes(StandardCharsets.US_ASCII)));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop3").split(Pop3LiteAttachments.split()).to("mock:parts").end().to("mock:out");
            }
        });
        awaitRouted(1);
        List<Exchange> parts = getMockEndpoint("mock:parts").getReceivedExchanges();
        assertEquals(List.of("invoice-7.pdf", "attachment-2.png"),
                parts.stream().map(p -> p.getIn().getHeader(Pop3LiteConstants.ATTACHMENT_NAME)).toList());
        assertEquals("small enough", parts.get(0).getIn().getBody(String.class));
        assertFalse(routed().get(0).getIn().getBody(String.class).isEmpty(), "the mail's body is still the raw message");
    }
}
