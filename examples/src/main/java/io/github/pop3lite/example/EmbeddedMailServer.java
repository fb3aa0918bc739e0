package io.github.pop3lite.example;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * A GreenMail POP3 server on 127.0.0.1, on a port the system picks, whose maildrop holds the sample mail of
 * {@code src/main/resources/sample-mail/}.
 */
final class EmbeddedMailServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final String USERNAME = "alice";
    static final String PASSWORD = "example-secret";

    /** The sample messages, in maildrop order. */
    static final List<String> SAMPLES = List.of(
            "01-invoice-acme.eml",
            "02-greetings-from-cologne.eml",
            "03-release-notes-dot-lines.eml",
            "04-invoice-without-attachment.eml",
            "05-invoice-baeckerei.eml",
            "06-lunch-on-friday.eml");

    private final GreenMail greenMail;
    private final GreenMailUser user;

    private EmbeddedMailServer(GreenMail greenMail, GreenMailUser user) {
        this.greenMail = greenMail;
        this.user = user;
    }

    static EmbeddedMailServer start() {
        // port 0: the system picks a free port; GreenMail reports it once bound
        GreenMail greenMail = new GreenMail(new ServerSetup(0, HOST, ServerSetup.PROTOCOL_POP3));
        greenMail.start();
        GreenMailUser user = greenMail.setUser("alice@example.com", USERNAME, PASSWORD);
        return new EmbeddedMailServer(greenMail, user);
    }

    int port() {
        return greenMail.getPop3().getPort();
    }

    /** Puts the sample messages into the maildrop; returns how many. */
    int seed() {
        for (String name : SAMPLES) {
            user.deliver(GreenMailUtil.newMimeMessage(new ByteArrayInputStream(sample(name))));
        }
        return SAMPLES.size();
    }

    /** A sample message as sent over the wire: its lines end in CRLF whatever the checkout did to the file. */
    static byte[] sample(String name) {
        try (InputStream in = EmbeddedMailServer.class.getResourceAsStream("/sample-mail/" + name)) {
            if (in == null) {
                throw new IllegalStateException("sample message " + name + " is not on the classpath");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
