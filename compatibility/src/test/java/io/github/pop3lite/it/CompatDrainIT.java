package io.github.pop3lite.it;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.pop3lite.component.TestMailboxes;
import jakarta.mail.Flags;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The camel-pop3lite jar of the main build, in a camel-main application of the Camel line named by
 * {@code compat.camel.version}, drains GreenMail and a real Dovecot, in delete and in keep mode.
 */
class CompatDrainIT extends DovecotTestSupport {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> SUBJECTS = List.of("one", "two", "three");
    private static final List<String> ROUTED = List.of("one|true", "two|true", "three|true");

    @Override
    String user() {
        return "bob";
    }

    @Test
    void theApplicationRunsTheLineUnderTestAndTheJarOfTheMainBuild() throws Exception {
        String line = System.getProperty("compat.camel.version");
        Path jar = Path.of(System.getProperty("pop3lite.jar")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: build the component first (mvn -B verify)");
        try (GreenMailBox box = new GreenMailBox(); CompatApplication app = box.app("delete=true")) {
            assertEquals(line, app.context().getVersion());
        }
        // no Camel jar of another version sneaked onto the classpath (the catalog is tooling, no runtime)
        List<String> otherCamel = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString())
                .filter(name -> name.startsWith("camel-") && name.endsWith(".jar"))
                .filter(name -> !name.startsWith("camel-pop3lite-") && !name.endsWith("-" + line + ".jar"))
                .filter(name -> !name.matches("camel-(catalog|core-catalog|tooling-model)-.*"))
                .toList();
        assertEquals(List.of(), otherCamel);
        assertEquals(jar, Path.of(Class.forName("io.github.pop3lite.component.Pop3LiteComponent")
                .getProtectionDomain().getCodeSource().getLocation().toURI()));
    }

    @Test
    void drainsGreenMailInDeleteMode() throws Exception {
        try (GreenMailBox box = new GreenMailBox()) {
            box.deliver(SUBJECTS);
            try (CompatApplication app = box.app("delete=true")) {
                await().atMost(TIMEOUT).until(() -> app.routed.size() == 3 && box.onServer() == 0);
                assertEquals(ROUTED, app.routed);
            }
        }
    }

    @Test
    void drainsGreenMailInKeepModeDeliveringEachMessageOnce() throws Exception {
        try (GreenMailBox box = new GreenMailBox()) {
            box.deliver(SUBJECTS);
            try (CompatApplication app = box.app("delete=false")) {
                awaitRoutedThenIdle(app);
                assertEquals(ROUTED, app.routed);
                assertEquals(3, box.onServer());
            }
        }
    }

    @Test
    void drainsDovecotInDeleteMode() throws Exception {
        deliverToDovecot(SUBJECTS);
        try (CompatApplication app = dovecotApp("delete=true")) {
            await().atMost(TIMEOUT).until(() -> app.routed.size() == 3 && dovecot.filesInMaildrop("bob") == 0);
            assertEquals(ROUTED, app.routed);
        }
    }

    @Test
    void drainsDovecotInKeepModeDeliveringEachMessageOnce() throws Exception {
        deliverToDovecot(SUBJECTS);
        try (CompatApplication app = dovecotApp("delete=false")) {
            awaitRoutedThenIdle(app);
            assertEquals(ROUTED, app.routed);
            assertEquals(3, dovecot.filesInMaildrop("bob"));
        }
    }

    /** All three routed, then two polls that found nothing new: nothing is delivered twice. */
    private static void awaitRoutedThenIdle(CompatApplication app) {
        await().atMost(TIMEOUT).until(() -> app.routed.size() >= 3);
        int idle = app.idlePolls.get();
        await().atMost(TIMEOUT).until(() -> app.idlePolls.get() >= idle + 2);
    }

    /** The emptied maildrop is a new mailbox: its own mailboxId, since the default repository outlives an application. */
    private CompatApplication dovecotApp(String options) throws Exception {
        return new CompatApplication(dovecot.host(), dovecot.pop3Port(), options + "&mailboxId=" + mailboxId, Map.of(
                "camel.component.pop3lite.username", "bob",
                "camel.component.pop3lite.password", dovecot.password("bob"),
                "camel.component.pop3lite.readTimeout", "20000"));
    }

    private static void deliverToDovecot(List<String> subjects) throws Exception {
        for (String subject : subjects) {
            dovecot.deliver("bob", ("Subject: " + subject + "\r\nFrom: a@example.org\r\n\r\nbody of " + subject + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A GreenMail POP3 server on 127.0.0.1 with the maildrop of alice. */
    private static final class GreenMailBox implements AutoCloseable {
        private final GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3));
        /** A new server is a new mailbox, even on the port of an earlier one (see {@link TestMailboxes}). */
        private final String mailboxId = TestMailboxes.fresh("alice");

        GreenMailBox() {
            greenMail.start();
            greenMail.setUser("alice@example.com", "alice", "s3cret");
        }

        CompatApplication app(String options) throws Exception {
            return new CompatApplication("127.0.0.1", greenMail.getPop3().getPort(), options + "&mailboxId=" + mailboxId, Map.of(
                    "camel.component.pop3lite.username", "alice",
                    "camel.component.pop3lite.password", "s3cret"));
        }

        void deliver(List<String> subjects) {
            for (String subject : subjects) {
                String raw = "From: bob@example.com\r\nTo: alice@example.com\r\nSubject: " + subject
                             + "\r\n\r\nbody of " + subject + "\r\n";
                greenMail.getUserManager().getUser("alice").deliver(
                        GreenMailUtil.newMimeMessage(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
            }
        }

        /** Messages in the maildrop, leaving out those marked deleted. */
        long onServer() throws Exception {
            return greenMail.getManagers().getImapHostManager().getInbox(greenMail.getUserManager().getUser("alice"))
                    .getMessages().stream().filter(m -> !m.getFlags().contains(Flags.Flag.DELETED)).count();
        }

        @Override
        public void close() {
            greenMail.stop();
        }
    }
}
