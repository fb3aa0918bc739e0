package io.github.pop3lite.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the example's main flow in this JVM, as {@code mvn -Prun} does, with the embedded POP3 server and broker.
 */
class ExampleTest {

    /** Empty values win over the environment: the test always runs against the embedded servers. */
    private static Map<String, String> embedded() {
        Map<String, String> properties = new HashMap<>();
        properties.put("pop3.host", "");
        properties.put("broker.url", "");
        properties.put("example.keep-running", "false");
        properties.put("example.timeout-seconds", "30");
        properties.put("queue.invoices", "invoices");
        properties.put("queue.inbox", "inbox");
        properties.put("queue.dead-letter", "dead-letters");
        return properties;
    }

    @Test
    @Timeout(60)
    void drainsTheSampleMailIntoTheQueuesAndTheFailingOneIntoTheDeadLetterQueue() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Outcome outcome = MailToQueuesExample.run(embedded(), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String summary = printed.toString(StandardCharsets.UTF_8);

        assertEquals(0, outcome.exitCode(), summary);
        assertNull(outcome.problem());
        assertEquals(6, outcome.arrivals().size(), summary);

        Map<String, List<String>> subjects = outcome.arrivals().stream().collect(
                Collectors.groupingBy(Arrivals.Arrival::queue, Collectors.mapping(Arrivals.Arrival::subject,
                        Collectors.toList())));
        // the order within a queue is the maildrop's
        assertEquals(List.of("Invoice INV-2025-0042", "Invoice 2025-117 — Bäckerei Öztürk"), subjects.get("invoices"));
        assertEquals(List.of("Grüße aus Köln – Angebot für Q3", "Release notes 2.4: dot files", "Lunch on Friday?"),
                subjects.get("inbox"));
        assertEquals(List.of("Invoice INV-2025-0043"), subjects.get("dead-letters"));

        Arrivals.Arrival dead = arrival(outcome, "Invoice INV-2025-0043");
        assertNotNull(dead.reason());
        assertTrue(dead.reason().startsWith("invoice mail without an attachment"), dead.reason());
        assertEquals("ACME Billing <billing@acme.example>", dead.from());
        assertEquals("Jürgen Müller <juergen.mueller@example.de>", arrival(outcome, "Grüße aus Köln – Angebot für Q3").from());

        // every mail reaches its queue byte for byte as it was put into the maildrop: dot-stuffed lines, the lone
        // dot, quoted-printable and base64 parts included
        String[] order = {"Invoice INV-2025-0042", "Grüße aus Köln – Angebot für Q3", "Release notes 2.4: dot files",
                "Invoice INV-2025-0043", "Invoice 2025-117 — Bäckerei Öztürk", "Lunch on Friday?"};
        for (int i = 0; i < order.length; i++) {
            assertArrayEquals(EmbeddedMailServer.sample(EmbeddedMailServer.SAMPLES.get(i)), arrival(outcome, order[i]).mail(),
                    EmbeddedMailServer.SAMPLES.get(i));
        }
        String dotLines = new String(arrival(outcome, "Release notes 2.4: dot files").mail(), StandardCharsets.US_ASCII);
        assertTrue(dotLines.contains("\r\n.gitignore\r\n.env.example\r\n..double-dot-prefix\r\n.\r\n\r\nThe line above"),
                dotLines);
        assertTrue(dotLines.endsWith("\r\n.end\r\n"), dotLines);

        // the printed summary: counts and subjects per queue
        assertTrue(summary.contains("6 messages from alice@127.0.0.1:"), summary);
        assertTrue(summary.matches("(?s).*invoices +2 messages\\R +- Invoice INV-2025-0042 .*\\R +- Invoice 2025-117 — "
                                   + "Bäckerei Öztürk .*"), summary);
        assertTrue(summary.matches("(?s).*inbox +3 messages\\R +- Grüße aus Köln – Angebot für Q3 .*\\R +- Release notes"
                                   + " 2.4: dot files .*\\R +- Lunch on Friday\\? .*"), summary);
        assertTrue(summary.matches("(?s).*dead-letters +1 message \\(dead letters: their route failed\\)\\R +- Invoice "
                                   + "INV-2025-0043 .*\\R +failed: invoice mail without an attachment.*"), summary);
        assertTrue(summary.contains("Drained: every message routed from the maildrop is on a queue."), summary);

        // the attachments of the invoice mails, one JMS message each, their decoded octets as the body
        List<Arrivals.AttachmentArrival> attachments = outcome.attachments();
        assertEquals(List.of("INV-2025-0042.pdf", "invoice-2025-117.csv"),
                attachments.stream().map(Arrivals.AttachmentArrival::name).toList());
        assertEquals(List.of("application/pdf", "text/csv"), attachments.stream().map(Arrivals.AttachmentArrival::type).toList());
        assertEquals(List.of("Invoice INV-2025-0042", "Invoice 2025-117 — Bäckerei Öztürk"),
                attachments.stream().map(Arrivals.AttachmentArrival::subject).toList());
        assertArrayEquals(base64Part("01-invoice-acme.eml", "INV-2025-0042.pdf"), attachments.get(0).content());
        assertArrayEquals(base64Part("05-invoice-baeckerei.eml", "invoice-2025-117.csv"), attachments.get(1).content());
        assertTrue(summary.matches("(?s).*invoice-attachments +2 attachments \\(of the invoice mails\\)\\R +- INV-2025-0042.pdf"
                                   + " +\\(application/pdf, " + attachments.get(0).content().length + " bytes, from Invoice"
                                   + " INV-2025-0042\\)\\R +- invoice-2025-117.csv +\\(text/csv, .*"), summary);
    }

    /** The decoded octets of a sample mail's base64 part with this file name, decoded here on their own. */
    private static byte[] base64Part(String sample, String fileName) {
        String mail = new String(EmbeddedMailServer.sample(sample), StandardCharsets.US_ASCII);
        int start = mail.indexOf("filename=\"" + fileName + "\"\r\n\r\n");
        assertTrue(start > 0, fileName + " in " + sample);
        start = mail.indexOf("\r\n\r\n", start) + 4;
        return java.util.Base64.getMimeDecoder().decode(mail.substring(start, mail.indexOf("\r\n--", start)));
    }

    @Test
    @Timeout(60)
    void givesUpWithStatus1AndSaysWhyWhenTheDrainDoesNotEndInTime() throws Exception {
        Map<String, String> properties = embedded();
        // the first poll starts a second after the routes: it cannot have ended within 0 s
        properties.put("example.timeout-seconds", "0");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Outcome outcome = MailToQueuesExample.run(properties, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String summary = printed.toString(StandardCharsets.UTF_8);

        assertEquals(1, outcome.exitCode(), summary);
        assertTrue(outcome.problem().startsWith("gave up after 0 s (example.timeout-seconds): no poll of alice@127.0.0.1:"),
                outcome.problem());
        assertTrue(summary.contains("FAILED: gave up after 0 s"), summary);
    }

    private static Arrivals.Arrival arrival(Outcome outcome, String subject) {
        return outcome.arrivals().stream().filter(a -> subject.equals(a.subject())).findFirst()
                .orElseThrow(() -> new AssertionError("no message with Subject " + subject + " arrived"));
    }
}
