package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.pop3lite.client.GeneratedMessage;
import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;
import io.github.pop3lite.client.SmallHeap;
import jakarta.activation.DataHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mail with a 200 MB attachment, mapped with attachments=true in the small-heap surefire execution (-Xmx64m):
 * the scripted server makes the mail up as it sends it, the consumer spools the raw message, mime4j decodes the
 * base64 part in one pass into Camel's stream cache, and the route reads the attachment back byte for byte.
 */
class AttachmentSmallHeapTest extends CamelTestSupport {

    /** 57 octets make one full base64 line of 76 characters; 200 MiB rounded up to whole lines. */
    private static final int LINE_OCTETS = 57;
    private static final long LINES = (200L * 1024 * 1024 + LINE_OCTETS - 1) / LINE_OCTETS;
    private static final long ATTACHMENT_SIZE = LINES * LINE_OCTETS;
    private static final int BLOCK_LINES = 4096;

    private static final String HEAD = "From: scanner@example.com\r\nTo: alice@example.com\r\nSubject: huge scan\r\n"
                                       + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=huge\r\n\r\n"
                                       + "--huge\r\nContent-Type: text/plain\r\n\r\nThe scan is attached.\r\n"
                                       + "--huge\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
                                       + "Content-Disposition: attachment; filename=\"huge-scan.pdf\"\r\n\r\n";
    private static final String TAIL = "--huge--\r\n";

    private final Path spool = Path.of("target", "small-heap-spool-" + System.nanoTime());
    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        return MailCorpus.spoolingToDisk(super.createCamelContext(), spool);
    }

    private static long mailSize() {
        return HEAD.length() + LINES * (76 + 2) + TAIL.length();
    }

    /** Sends the mail followed by the POP3 terminator; no line starts with a dot, so nothing needs stuffing. */
    private static void sendMail(OutputStream out, MessageDigest attachmentDigest) throws IOException {
        out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
        Random random = new Random(200);
        Base64.Encoder encoder = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'});
        byte[] block = new byte[BLOCK_LINES * LINE_OCTETS];
        for (long line = 0; line < LINES; line += BLOCK_LINES) {
            int lines = (int) Math.min(BLOCK_LINES, LINES - line);
            random.nextBytes(block);
            attachmentDigest.update(block, 0, lines * LINE_OCTETS);
            byte[] encoded = encoder.encode(java.util.Arrays.copyOf(block, lines * LINE_OCTETS));
            out.write(encoded);
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(TAIL.getBytes(StandardCharsets.US_ASCII));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void a200MbAttachmentIsMappedAndReadBackInA64MbHeap() throws Exception {
        long maxHeap = SmallHeap.assumeSmallHeap("streaming");
        MessageDigest sent = GeneratedMessage.sha256();
        Script script = ScriptedSessions.loggedIn()
                .expect("LIST").send("+OK 1 message\r\n1 " + mailSize() + "\r\n.\r\n")
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                .expect("UIDL").send("+OK\r\n1 huge-1\r\n.\r\n")
                .expect("RETR 1").send("+OK " + mailSize() + " octets\r\n")
                .step("send a mail with a 200 MB attachment", c -> sendMail(c.out(), sent))
                // mapping and reading back 200 MB on a loaded machine takes longer than a step's 10 s
                .step("wait up to 4 minutes for the route", c -> c.socket().setSoTimeout(240_000))
                .expect("DELE 1").send("+OK\r\n")
                .expect("QUIT").send("+OK\r\n").expectClosed();
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3lite:127.0.0.1:" + server.port() + "?username=" + ScriptedSessions.USER + "&pipelining=announced" + "&password="
                         + ScriptedSessions.PASSWORD + "&initialDelay=0&repeatCount=1&attachments=true&readTimeout=60000&mailboxId="
                         + TestMailboxes.fresh(ScriptedSessions.USER))
                            .process(e -> {
                                AttachmentMessage message = e.getIn(AttachmentMessage.class);
                                seen.put("names", message.getAttachmentNames());
                                DataHandler pdf = message.getAttachment("huge-scan.pdf");
                                MessageDigest digest = GeneratedMessage.sha256();
                                long length = 0;
                                try (InputStream in = pdf.getInputStream()) {
                                    byte[] buffer = new byte[64 * 1024];
                                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                                        digest.update(buffer, 0, n);
                                        length += n;
                                    }
                                }
                                seen.put("length", length);
                                seen.put("sha256", HexFormat.of().formatHex(digest.digest()));
                            });
                }
            });
            server.awaitScriptDone(Duration.ofSeconds(240));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsKey("sha256"));
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("AttachmentSmallHeapTest: a %d-octet attachment (mail %d octets) mapped with -Xmx%dm;"
                          + " peak heap (sum of the pools' peaks) %d MiB%n", ATTACHMENT_SIZE, mailSize(), maxHeap >> 20,
                peak >> 20);
        assertEquals(java.util.Set.of("huge-scan.pdf"), seen.get("names"));
        assertEquals(ATTACHMENT_SIZE, seen.get("length"));
        assertEquals(HexFormat.of().formatHex(sent.digest()), seen.get("sha256"));
        assertTrue(ATTACHMENT_SIZE > 3 * maxHeap, "the attachment must be far larger than the heap");
    }
}
