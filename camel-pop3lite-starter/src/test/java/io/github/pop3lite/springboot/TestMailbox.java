package io.github.pop3lite.springboot;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import org.apache.camel.builder.RouteBuilder;

/** A GreenMail maildrop of alice on 127.0.0.1, and the route of the test applications. */
final class TestMailbox {

    static final String USER = "alice";
    static final String PASSWORD = "s3cret";

    final GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3));
    final GreenMailUser alice;

    TestMailbox() {
        greenMail.start();
        alice = greenMail.setUser("alice@example.com", USER, PASSWORD);
    }

    int port() {
        return greenMail.getPop3().getPort();
    }

    void deliver(String... subjects) {
        for (String subject : subjects) {
            String raw = "From: bob@example.com\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n";
            alice.deliver(GreenMailUtil.newMimeMessage(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
        }
    }

    long onServer() throws Exception {
        long count = 0;
        for (StoredMessage m : greenMail.getManagers().getImapHostManager().getInbox(alice).getMessages()) {
            if (!m.getFlags().contains(Flags.Flag.DELETED)) {
                count++;
            }
        }
        return count;
    }

    /** The route an application declares: its endpoint names only the server; the login comes from properties. */
    static final class DrainRoute extends RouteBuilder {
        final List<String> subjects = new CopyOnWriteArrayList<>();

        @Override
        public void configure() {
            from("pop3lite:127.0.0.1:{{test.pop3.port}}?initialDelay=0&delay=100").routeId("drain")
                    .process(e -> subjects.add(e.getMessage().getHeader("Subject", String.class)));
        }
    }
}
