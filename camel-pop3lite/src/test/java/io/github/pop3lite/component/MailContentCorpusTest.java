package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.pop3lite.client.GeneratedMessage;
import jakarta.activation.DataHandler;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.attachment.Attachment;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The corpus of {@link MailCorpus}, consumed with mapMessage=text and attachments=true, against an independent
 * parse of the very octets the consumer received by Python's email package: the text body Python's get_body()
 * chooses, and per attachment its name, type, Content-ID and the SHA-256 of its decoded octets.
 */
class MailContentCorpusTest extends GreenMailTestSupport {

    /** What a route saw of one mail. */
    record Seen(String body, String bodyContentType, String failure, byte[] raw, List<Map<String, String>> attachments) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private void consume(String options) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(options)).routeId("pop3").process(e -> {
                    String subject = e.getIn().getHeader("Subject", String.class);
                    seen.put(subject, seen(e));
                }).to("mock:out");
            }
        });
    }

    static Seen seen(Exchange exchange) throws IOException {
        StreamCache raw = exchange.getProperty(Pop3LiteConstants.RAW_MESSAGE, StreamCache.class);
        byte[] rawOctets = raw == null ? null : exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, raw);
        List<Map<String, String>> attachments = new ArrayList<>();
        if (exchange.getIn() instanceof AttachmentMessage message) {
            for (Map.Entry<String, Attachment> entry : message.getAttachmentObjects().entrySet()) {
                DataHandler handler = entry.getValue().getDataHandler();
                Map<String, String> attachment = new TreeMap<>();
                attachment.put("name", entry.getKey());
                attachment.put("type", handler.getContentType());
                String first = sha256(handler.getInputStream());
                attachment.put("sha256Lf", sha256(new java.io.ByteArrayInputStream(new String(
                        handler.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
                        .getBytes(StandardCharsets.ISO_8859_1))));
                assertEquals(first, sha256(handler.getInputStream()), "an attachment reads the same every time");
                attachment.put("sha256", first);
                if (entry.getValue().getHeader("Content-ID") != null) {
                    attachment.put("contentId", entry.getValue().getHeader("Content-ID"));
                }
                if (handler.getContentType().equals("message/rfc822")) {
                    Map<String, Object> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    try (InputStream in = handler.getInputStream()) {
                        MailHeaders.read(in, headers, new MailHeaderFilterStrategy(), null);
                    }
                    attachment.put("subject", (String) headers.get("Subject"));
                }
                attachments.add(attachment);
            }
        }
        Object body = exchange.getIn().getBody();
        return new Seen(body instanceof String text ? text : null,
                exchange.getIn().getHeader(Pop3LiteConstants.BODY_CONTENT_TYPE, String.class),
                exchange.getIn().getHeader(Pop3LiteConstants.MAPPING_FAILURE, String.class), rawOctets, attachments);
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = GeneratedMessage.sha256();
        try (in) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Runs the Python parse over the raw mails the routes saw. */
    static JsonObject independentParse(Map<String, byte[]> raws) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "mail-corpus-" + System.nanoTime()));
        List<String> command = new ArrayList<>(List.of("python3",
                Path.of(MailContentCorpusTest.class.getResource("/mime/independent-parse.py").toURI()).toString()));
        for (Map.Entry<String, byte[]> raw : raws.entrySet()) {
            Path file = dir.resolve(raw.getKey() + ".eml");
            Files.write(file, raw.getValue());
            command.add(file.toString());
        }
        Process python = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(60, TimeUnit.SECONDS), "python3 ended");
        assertEquals(0, python.exitValue(), "python3 " + command + " printed " + json);
        return (JsonObject) Jsoner.deserialize(json);
    }

    @Test
    void everyShapeOfTheCorpusMapsAsPythonsEmailPackageReadsIt() throws Exception {
        Map<String, byte[]> corpus = MailCorpus.all();
        corpus.values().forEach(this::deliver);
        consume("mapMessage=text&attachments=true");
        awaitRouted(corpus.size());

        Map<String, byte[]> raws = new TreeMap<>();
        seen.forEach((subject, s) -> raws.put(subject, s.raw()));
        assertEquals(corpus.keySet(), raws.keySet());
        JsonObject python = independentParse(raws);
        List<String> problems = new ArrayList<>();
        for (String subject : corpus.keySet()) {
            compare(subject, seen.get(subject), (JsonObject) python.get(subject + ".eml"), problems);
        }
        assertEquals(List.of(), problems);
        assertEquals(List.of(), subjectsOnServer(), "every mail was routed, so deleted");
    }

    private static void compare(String subject, Seen ours, JsonObject theirs, List<String> problems) {
        if (ours.failure() != null) {
            problems.add(subject + ": mapping failed: " + ours.failure());
            return;
        }
        // Python's parser turns the CRLF line breaks of a part that is not base64 into \n; mime4j, like the mail,
        // keeps CRLF: the text is the same
        String pythonBody = (String) theirs.get("body");
        if (pythonBody != null && !pythonBody.equals(ours.body() == null ? null : ours.body().replace("\r\n", "\n"))
            && !pythonBody.equals(ours.body())) {
            problems.add(subject + ": body " + quoted(ours.body()) + ", Python " + quoted(pythonBody));
        }
        String pythonType = (String) theirs.get("bodyType");
        String ourType = ours.bodyContentType() == null ? null : ours.bodyContentType().replaceFirst(";.*", "");
        if (!java.util.Objects.equals(pythonType, ourType)) {
            problems.add(subject + ": body type " + ourType + ", Python " + pythonType);
        }
        JsonArray expected = (JsonArray) theirs.get("attachments");
        if (expected.size() != ours.attachments().size()) {
            problems.add(subject + ": " + ours.attachments().size() + " attachments " + ours.attachments() + ", Python "
                         + expected.size() + " " + expected);
            return;
        }
        List<String> namesSoFar = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            JsonObject python = (JsonObject) expected.get(i);
            Map<String, String> attachment = ours.attachments().get(i);
            String name = attachment.get("name");
            String pythonName = (String) python.get("name");
            String where = subject + " attachment " + (i + 1) + " (" + name + "): ";
            if (pythonName == null) {
                if (!name.matches("attachment-" + (i + 1) + "\\.[a-z]+")) {
                    problems.add(where + "a part without a file name gets a generated name");
                }
            } else if (namesSoFar.contains(pythonName)) {
                String stem = pythonName.replaceFirst("\\.[^.]*$", "");
                if (!name.matches(java.util.regex.Pattern.quote(stem) + "_[0-9a-f-]{36}\\.pdf")) {
                    problems.add(where + "a duplicate of " + pythonName + " gets a unique suffix");
                }
            } else if (!pythonName.equals(name)) {
                problems.add(where + "Python names it " + pythonName);
            }
            namesSoFar.add(pythonName);
            String type = attachment.get("type").replaceFirst(";.*", "");
            if (!type.equals(python.get("type"))) {
                problems.add(where + "type " + type + ", Python " + python.get("type"));
            }
            if (python.get("subject") != null) {
                if (!python.get("subject").equals(attachment.get("subject"))) {
                    problems.add(where + "forwarded Subject " + attachment.get("subject") + ", Python " + python.get("subject"));
                }
            } else if (!python.get("sha256").equals(attachment.get(
                    Boolean.TRUE.equals(python.get("lineBreaksNormalized")) ? "sha256Lf" : "sha256"))) {
                problems.add(where + "SHA-256 of the decoded octets differs from Python's");
            }
            if (!java.util.Objects.equals(python.get("contentId"), attachment.get("contentId"))) {
                problems.add(where + "Content-ID " + attachment.get("contentId") + ", Python " + python.get("contentId"));
            }
        }
    }

    private static String quoted(String text) {
        return text == null ? "null" : "'" + text.replace("\r", "\\r").replace("\n", "\\n") + "'";
    }

    @Test
    void namesAreDecodedAsTheSenderWroteThem() throws Exception {
        Map<String, byte[]> corpus = MailCorpus.all();
        for (String subject : List.of("rfc2231-names", "rfc2047-names", "outlook-style", "inline-images")) {
            deliver(corpus.get(subject));
        }
        consume("attachments=true");
        awaitRouted(4);

        assertEquals(List.of("Rechnung März 2025.pdf", "日本語の長い名前_final version.docx"), names("rfc2231-names"));
        assertEquals(List.of("Übersicht 2025.pdf", "Grüße.gif"), names("rfc2047-names"));
        assertEquals(List.of("Q3 Zahlen Übersicht.xlsx"), names("outlook-style"));
        assertEquals(List.of("logo.png", "attachment-2.jpg"), names("inline-images"));
        Map<String, String> logo = seen.get("inline-images").attachments().get(0);
        assertEquals("<logo@corpus>", logo.get("contentId"));
        assertNull(seen.get("inline-images").body(), "attachments alone leave the raw body");
    }

    private List<String> names(String subject) {
        return seen.get(subject).attachments().stream().map(a -> a.get("name")).toList();
    }

    @Test
    void textModeAloneLeavesTheMessageWithoutAttachmentsAndTheRawMessageInAProperty() throws Exception {
        byte[] raw = MailCorpus.all().get("mixed-pdf-image");
        deliver(raw);
        consume("mapMessage=text");
        awaitRouted(1);

        Seen mixed = seen.get("mixed-pdf-image");
        assertEquals("Hallo Alice,\r\n\r\nanbei die Rechnung und ein Foto. Grüße", mixed.body());
        assertEquals("text/plain; charset=UTF-8", mixed.bodyContentType());
        assertEquals(List.of(), mixed.attachments());
        assertNotNull(mixed.raw());
        assertEquals(new String(raw, StandardCharsets.ISO_8859_1), new String(mixed.raw(), StandardCharsets.ISO_8859_1));
    }
}
