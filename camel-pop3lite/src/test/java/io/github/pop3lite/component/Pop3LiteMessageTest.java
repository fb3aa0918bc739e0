package io.github.pop3lite.component;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Exchange the consumer makes: the raw message as a re-readable body, and the mapped mail headers. */
class Pop3LiteMessageTest extends GreenMailTestSupport {

    private static final String SUBJECT = "Grüße 日本";

    /** A message with encoded words, folded and repeated fields, and a field named like a Camel header. */
    private static String richMail() {
        String subject = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(SUBJECT.getBytes(StandardCharsets.UTF_8))
                         + "?=";
        return "Received: from a.example.com\r\n"
               + "Received: from b.example.com\r\n"
               + "From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.com>\r\n"
               + "To: alice@example.com, Carol <carol@example.com>\r\n"
               + "Cc: dave@example.com\r\n"
               + "Date: Tue, 1 Jul 2025 10:00:00 +0200\r\n"
               + "Message-ID: <rich-1@example.com>\r\n"
               + "Subject: " + subject + "\r\n"
               + "X-Folded: first part\r\n second part\r\n"
               + "CamelPop3LiteUid: forged\r\n"
               + "MIME-Version: 1.0\r\n"
               + "Content-Type: text/plain; charset=UTF-8\r\n"
               + "\r\n"
               + "Hallo Alice\r\n";
    }

    @Test
    void mailHeadersAreMappedWithEncodedWordsDecoded() throws Exception {
        deliver(richMail());
        String uid = uidsOnServer().get(1);
        routeToMock(uri(""));
        awaitRouted(1);

        Message in = routed().get(0).getIn();
        assertEquals(SUBJECT, in.getHeader("Subject"));
        assertEquals("Jürgen Müller <juergen@example.com>", in.getHeader("From"));
        assertEquals("alice@example.com, Carol <carol@example.com>", in.getHeader("To"));
        assertEquals("dave@example.com", in.getHeader("Cc"));
        assertEquals("Tue, 1 Jul 2025 10:00:00 +0200", in.getHeader("Date"));
        assertEquals("<rich-1@example.com>", in.getHeader("Message-ID"));
        assertEquals("first part second part", in.getHeader("X-Folded"), "unfolded");
        assertEquals(List.of("from a.example.com", "from b.example.com"), in.getHeader("Received"));
        assertEquals(SUBJECT, in.getHeader("subject"), "header names are case-insensitive");
        assertEquals(uid, in.getHeader(Pop3LiteConstants.UID), "a mail field cannot forge a Camel header");
        assertEquals(richMail(), in.getBody(String.class), "the body is still the raw message, encoded words and all");
    }

    @Test
    void bodyIsTheRawMessageAsAReReadableStreamCache() throws Exception {
        String raw = richMail();
        deliver(raw);
        Map<String, Object> seen = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop3")
                        .process(e -> {
                            Object body = e.getIn().getBody();
                            seen.put("type", body);
                            seen.put("inMemory", ((StreamCache) body).inMemory());
                            // Camel's stream cache: each further read in the same step starts with reset()
                            seen.put("string1", e.getIn().getBody(String.class));
                            ((StreamCache) body).reset();
                            seen.put("string2", e.getIn().getBody(String.class));
                            ((StreamCache) body).reset();
                            seen.put("bytes", e.getIn().getBody(byte[].class));
                            ((StreamCache) body).reset();
                            try (InputStream stream = e.getIn().getBody(InputStream.class)) {
                                seen.put("stream", stream.readAllBytes());
                            }
                        })
                        // and once more in the next step of the route
                        .process(e -> seen.put("string3", e.getIn().getBody(String.class)))
                        .to("mock:out");
            }
        });
        awaitRouted(1);

        assertInstanceOf(StreamCache.class, seen.get("type"));
        assertEquals(true, seen.get("inMemory"), "a small message stays in memory");
        assertEquals(raw, seen.get("string1"));
        assertEquals(raw, seen.get("string2"));
        assertArrayEquals(raw.getBytes(StandardCharsets.UTF_8), (byte[]) seen.get("bytes"));
        assertArrayEquals(raw.getBytes(StandardCharsets.UTF_8), (byte[]) seen.get("stream"));
        assertEquals(raw, seen.get("string3"));
    }

    @Test
    void largeMessageIsSpooledToDiskAndTheSpoolFileIsRemovedAfterTheExchange() throws Exception {
        byte[] raw = largeMail(5 * 1024 * 1024);
        deliver(raw);
        Path spool = spoolDirectory();
        Map<String, Object> seen = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop3")
                        .process(e -> {
                            StreamCache body = e.getIn().getBody(StreamCache.class);
                            seen.put("inMemory", body.inMemory());
                            seen.put("length", body.length());
                            List<Path> files = spoolFiles();
                            seen.put("file", files.size() == 1 ? files.get(0) : Path.of("none"));
                            seen.put("exists", files.size() == 1);
                            seen.put("sha1", sha256(e.getIn().getBody(InputStream.class)));
                            // Camel's stream cache: a second read in the same step starts with reset()
                            body.reset();
                            seen.put("sha2", sha256(e.getIn().getBody(InputStream.class)));
                        })
                        .to("mock:out");
            }
        });
        awaitRouted(1);

        assertEquals(false, seen.get("inMemory"), "5 MB is above the spool threshold");
        assertEquals((long) raw.length, seen.get("length"));
        Path file = (Path) seen.get("file");
        assertNotNull(file);
        assertTrue(file.startsWith(spool), file + " is in the context's spool directory");
        assertEquals(true, seen.get("exists"));
        String expected = sha256(new ByteArrayInputStream(raw));
        assertEquals(expected, seen.get("sha1"));
        assertEquals(expected, seen.get("sha2"), "read twice from the spool file");
        await("spool file removed").atMost(TIMEOUT).until(() -> !Files.exists(file));
        try (var left = Files.list(spool)) {
            assertEquals(List.of(), left.toList());
        }
        polls.awaitPolls(1);
        assertEquals(List.of(), subjectsOnServer());
    }

    @Test
    void spoolFileIsRemovedAlsoWhenTheRouteFails() throws Exception {
        deliver(largeMail(512 * 1024));
        Path spool = spoolDirectory();
        Map<String, Path> files = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop3")
                        .process(e -> {
                            files.put("file", spoolFiles().get(0));
                            throw new IllegalStateException("fails");
                        });
            }
        });
        polls.awaitPolls(1);

        assertTrue(files.get("file").startsWith(spool));
        Leftovers.assertNoneLeftAfterStop(context, "pop3", spool);
        assertEquals(List.of("large"), subjectsOnServer());
    }

    static byte[] largeMail(int bodySize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bodySize + 200);
        out.writeBytes(mail("large", "").replace("\r\n\r\n\r\n", "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        while (out.size() < bodySize) {
            out.writeBytes(line);
        }
        return out.toByteArray();
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
