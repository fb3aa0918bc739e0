package io.github.pop3lite.component;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.apache.camel.CamelContext;

/**
 * Mails of the shapes found in real mailboxes, made by the tests: each a Subject (its name in the
 * corpus) and the message in CRLF form. The shapes follow what common mailers write (Thunderbird,
 * Apple Mail, Outlook, Gmail, scanners and billing systems), broken ones included.
 */
final class MailCorpus {

    static final String B64_PDF = pdf();

    private MailCorpus() {
    }

    /** Turns on the context's stream-cache spooling into {@code directory}, as a user keeping attachments out of the heap does. */
    static CamelContext spoolingToDisk(CamelContext camel, Path directory) {
        camel.getStreamCachingStrategy().setSpoolEnabled(true);
        camel.getStreamCachingStrategy().setSpoolDirectory(directory.toFile());
        return camel;
    }

    /** The corpus, by Subject, in the order the tests deliver it. */
    static Map<String, byte[]> all() {
        Map<String, byte[]> mails = new LinkedHashMap<>();
        mails.put("mixed-pdf-image", mixedPdfImage());
        mails.put("alternative-in-mixed", alternativeInMixed());
        mails.put("html-first-alternative", htmlFirstAlternative());
        mails.put("inline-images", inlineImages());
        mails.put("rfc2231-names", rfc2231Names());
        mails.put("rfc2047-names", rfc2047Names());
        mails.put("duplicate-names", duplicateNames());
        mails.put("forwarded-message", forwardedMessage());
        mails.put("outlook-style", outlookStyle());
        mails.put("base64-utf8-plain", singlePart("base64-utf8-plain", "text/plain; charset=utf-8", "base64",
                base64("Grüße aus Köln – 日本語のテキスト\r\nZweite Zeile\r\n".getBytes(StandardCharsets.UTF_8))));
        mails.put("qp-latin9-plain", singlePart("qp-latin9-plain", "text/plain; charset=ISO-8859-15",
                "quoted-printable", "Preis: 20 =A4, Gr=FC=DFe, ein sehr langer Satz der umgebrochen wird weil er l=\r\n"
                                    + "=E4nger ist als 76 Zeichen\r\n"));
        mails.put("base64-koi8r-plain", singlePart("base64-koi8r-plain", "text/plain; charset=koi8-r", "base64",
                base64("Привет, мир\r\n".getBytes(Charset.forName("KOI8-R")))));
        mails.put("shift-jis-html", singlePart("shift-jis-html", "text/html; charset=Shift_JIS", "base64",
                base64("<html><body><p>こんにちは</p></body></html>\r\n".getBytes(Charset.forName("Shift_JIS")))));
        mails.put("truncated", truncated());
        mails.put("missing-content-type", missingContentType());
        mails.put("attachment-only", singlePartAttachment());
        return mails;
    }

    /** Octets that look like a small PDF, and some that are not text at all, the same in every run. */
    static byte[] binary(int length, long seed) {
        byte[] octets = new byte[length];
        new Random(seed).nextBytes(octets);
        return octets;
    }

    private static String pdf() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(binary(3000, 1));
        out.writeBytes("\n%%EOF\n".getBytes(StandardCharsets.US_ASCII));
        return base64(out.toByteArray());
    }

    static String base64(byte[] octets) {
        return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(octets) + "\r\n";
    }

    private static String head(String subject, String contentType) {
        return "From: Sender <sender@example.com>\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\n"
               + "Message-ID: <" + subject + "@corpus.example>\r\nDate: Tue, 1 Jul 2025 10:00:00 +0200\r\n"
               + "MIME-Version: 1.0\r\nContent-Type: " + contentType + "\r\n";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] mixedPdfImage() {
        return bytes(head("mixed-pdf-image", "multipart/mixed; boundary=\"=_mixed_1\"") + "\r\n"
                     + "This is a multi-part message in MIME format.\r\n"
                     + "--=_mixed_1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                     + "Hallo Alice,\r\n\r\nanbei die Rechnung und ein Foto. Gr=C3=BC=C3=9Fe\r\n"
                     + "--=_mixed_1\r\nContent-Type: application/pdf; name=\"invoice-0042.pdf\"\r\n"
                     + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"invoice-0042.pdf\"\r\n\r\n"
                     + B64_PDF
                     + "--=_mixed_1\r\nContent-Type: image/png; name=\"photo.png\"\r\nContent-Transfer-Encoding: base64\r\n"
                     + "Content-Disposition: attachment; filename=photo.png\r\n\r\n"
                     + base64(binary(5000, 2))
                     + "--=_mixed_1--\r\n");
    }

    private static byte[] alternativeInMixed() {
        return bytes(head("alternative-in-mixed", "multipart/mixed; boundary=outer") + "\r\n"
                     + "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
                     + "--inner\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                     + "Die Zahlen f=FCr Q3 im Anhang.\r\n"
                     + "--inner\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                     + base64("<p>Die Zahlen für Q3 im Anhang.</p>".getBytes(StandardCharsets.UTF_8))
                     + "--inner--\r\n"
                     + "--outer\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Disposition: attachment; filename=\"report.csv\"\r\n\r\n"
                     + "quarter,revenue\r\nQ3,1200\r\n"
                     + "--outer--\r\n");
    }

    private static byte[] htmlFirstAlternative() {
        return bytes(head("html-first-alternative", "multipart/alternative; boundary=\"alt\"") + "\r\n"
                     + "--alt\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<p>the html rendering</p>\r\n"
                     + "--alt\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nthe plain rendering\r\n"
                     + "--alt--\r\n");
    }

    private static byte[] inlineImages() {
        return bytes(head("inline-images", "multipart/alternative; boundary=\"a1\"") + "\r\n"
                     + "--a1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the logo.\r\n"
                     + "--a1\r\nContent-Type: multipart/related; boundary=\"r1\"; type=\"text/html\"\r\n\r\n"
                     + "--r1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See the <img src=\"cid:logo@corpus\"> logo.</p>\r\n"
                     + "--r1\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n"
                     + "Content-ID: <logo@corpus>\r\nContent-Disposition: inline; filename=\"logo.png\"\r\n\r\n"
                     + base64(binary(700, 3))
                     + "--r1\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <part2.x@corpus>\r\n\r\n"
                     + base64(binary(900, 4))
                     + "--r1--\r\n"
                     + "--a1--\r\n");
    }

    private static byte[] rfc2231Names() {
        return bytes(head("rfc2231-names", "multipart/mixed; boundary=\"b2231\"") + "\r\n"
                     + "--b2231\r\nContent-Type: text/plain\r\n\r\nTwo documents.\r\n"
                     + "--b2231\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
                     + "Content-Disposition: attachment;\r\n filename*=utf-8''Rechnung%20M%C3%A4rz%202025.pdf\r\n\r\n"
                     + base64(binary(400, 5))
                     + "--b2231\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                     + "Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE;\r\n"
                     + " filename*1*=%E9%95%B7%E3%81%84%E5%90%8D%E5%89%8D;\r\n filename*2=\"_final version.docx\"\r\n\r\n"
                     + base64(binary(300, 6))
                     + "--b2231--\r\n");
    }

    private static byte[] rfc2047Names() {
        return bytes(head("rfc2047-names", "multipart/mixed; boundary=\"b2047\"") + "\r\n"
                     + "--b2047\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNames as older mailers write them.\r\n"
                     + "--b2047\r\nContent-Type: application/pdf; name=\"=?UTF-8?B?"
                     + Base64.getEncoder().encodeToString("Übersicht 2025.pdf".getBytes(StandardCharsets.UTF_8)) + "?=\"\r\n"
                     + "Content-Transfer-Encoding: base64\r\n\r\n"
                     + base64(binary(200, 7))
                     + "--b2047\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\n"
                     + "Content-Disposition: attachment; filename=\"=?ISO-8859-1?Q?Gr=FC=DFe.gif?=\"\r\n\r\n"
                     + base64(binary(250, 8))
                     + "--b2047--\r\n");
    }

    private static byte[] duplicateNames() {
        StringBuilder mail = new StringBuilder(head("duplicate-names", "multipart/mixed; boundary=dup") + "\r\n");
        mail.append("--dup\r\nContent-Type: text/plain\r\n\r\nThree scans.\r\n");
        for (int i = 0; i < 3; i++) {
            mail.append("--dup\r\nContent-Type: application/pdf; name=scan.pdf\r\nContent-Transfer-Encoding: base64\r\n"
                        + "Content-Disposition: attachment; filename=scan.pdf\r\n\r\n").append(base64(binary(100 + i, 10 + i)));
        }
        return bytes(mail.append("--dup--\r\n").toString());
    }

    private static byte[] forwardedMessage() {
        return bytes(head("forwarded-message", "multipart/mixed; boundary=\"fwd\"") + "\r\n"
                     + "--fwd\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nForwarding the original below.\r\n"
                     + "--fwd\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n"
                     + "From: Carol <carol@example.org>\r\nSubject: Original question\r\nMIME-Version: 1.0\r\n"
                     + "Content-Type: multipart/mixed; boundary=\"orig\"\r\n\r\n"
                     + "--orig\r\nContent-Type: text/plain\r\n\r\nThe original text.\r\n"
                     + "--orig\r\nContent-Type: application/pdf; name=inner.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                     + base64(binary(150, 20))
                     + "--orig--\r\n"
                     + "--fwd--\r\n");
    }

    private static byte[] outlookStyle() {
        String boundary = "_004_DB9PR07MB7963A1B2C3D4E5F6A7B8C9D0DB9PR07MB7963eurp_";
        String inner = "_000_DB9PR07MB7963A1B2C3D4E5F6A7B8C9D0DB9PR07MB7963eurp_";
        return bytes("From: =?iso-8859-1?Q?M=FCller=2C_J=FCrgen?= <j.mueller@example.de>\r\n"
                     + "To: alice@example.com\r\nSubject: outlook-style\r\nThread-Topic: Q3\r\n"
                     + "Thread-Index: AQHZ2x3kq3Zs1n0v0kWm7s8Y5e0bWQ==\r\nDate: Tue, 1 Jul 2025 08:00:00 +0000\r\n"
                     + "Message-ID: <DB9PR07MB7963@DB9PR07MB7963.eurprd07.prod.outlook.com>\r\n"
                     + "Accept-Language: de-DE, en-US\r\nContent-Language: de-DE\r\nX-MS-Has-Attach: yes\r\n"
                     + "X-MS-TNEF-Correlator:\r\n"
                     + "Content-Type: multipart/mixed;\r\n\tboundary=\"" + boundary + "\"\r\nMIME-Version: 1.0\r\n\r\n"
                     + "--" + boundary + "\r\nContent-Type: multipart/alternative;\r\n\tboundary=\"" + inner + "\"\r\n\r\n"
                     + "--" + inner + "\r\nContent-Type: text/plain; charset=\"iso-8859-1\"\r\n"
                     + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                     + "Hallo,\r\n\r\nanbei die Zahlen f=FCr Q3.\r\n\r\nMit freundlichen Gr=FC=DFen\r\nJ=FCrgen M=FCller\r\n"
                     + "--" + inner + "\r\nContent-Type: text/html; charset=\"iso-8859-1\"\r\n"
                     + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                     + "<html xmlns:o=3D\"urn:schemas-microsoft-com:office:office\"><body lang=3D\"DE\">\r\n"
                     + "<p class=3D\"MsoNormal\">anbei die Zahlen f=FCr Q3.</p></body></html>\r\n"
                     + "--" + inner + "--\r\n\r\n"
                     + "--" + boundary + "\r\n"
                     + "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;\r\n"
                     + "\tname=\"Q3 Zahlen =?iso-8859-1?Q?=DCbersicht?=.xlsx\"\r\n"
                     + "Content-Description: Q3 Zahlen Uebersicht.xlsx\r\n"
                     + "Content-Disposition: attachment;\r\n\tfilename=\"Q3 Zahlen =?iso-8859-1?Q?=DCbersicht?=.xlsx\"; size=2048;\r\n"
                     + "\tcreation-date=\"Tue, 01 Jul 2025 07:59:00 GMT\";\r\n\tmodification-date=\"Tue, 01 Jul 2025 07:59:00 GMT\"\r\n"
                     + "Content-Transfer-Encoding: base64\r\n\r\n"
                     + base64(binary(2048, 30))
                     + "\r\n--" + boundary + "--\r\n");
    }

    private static byte[] singlePart(String subject, String contentType, String encoding, String body) {
        return bytes(head(subject, contentType) + "Content-Transfer-Encoding: " + encoding + "\r\n\r\n" + body);
    }

    private static byte[] truncated() {
        // the connection of the sending mailer broke: half an attachment, no closing boundary
        String attachment = base64(binary(4000, 40));
        return bytes(head("truncated", "multipart/mixed; boundary=\"cut\"") + "\r\n"
                     + "--cut\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe scan follows.\r\n"
                     + "--cut\r\nContent-Type: image/jpeg; name=\"scan.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                     + attachment.substring(0, attachment.length() / 2 / 78 * 78));
    }

    private static byte[] missingContentType() {
        return bytes("From: scanner@example.com\r\nTo: alice@example.com\r\nSubject: missing-content-type\r\n"
                     + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"nct\"\r\n\r\n"
                     + "--nct\r\n\r\nA part without any header is plain US-ASCII text.\r\n"
                     + "--nct\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nno type, but a file\r\n"
                     + "--nct--\r\n");
    }

    private static byte[] singlePartAttachment() {
        return bytes(head("attachment-only", "application/pdf; name=\"scan-0001.pdf\"")
                     + "Content-Disposition: attachment; filename=\"scan-0001.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                     + B64_PDF);
    }
}
