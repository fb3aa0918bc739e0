package io.github.pop3lite.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * GreenMail 2.1.8 in the harness's own JVM: the fallback when Dovecot cannot run here. It keeps every message in
 * this JVM's heap (the 200 MiB workload needs the harness started with a large -Xmx) and re-serialises messages on
 * RETR, so it is slower than Dovecot and its octet counts may differ slightly from the files'.
 */
final class GreenMailServer implements MailServer {

    private static final String USER = "alice";
    private static final String PASSWORD = "alicepw";

    private final GreenMail greenMail;
    private final GreenMailUser user;

    GreenMailServer() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3).dynamicPort());
        greenMail.start();
        user = greenMail.setUser(USER + "@localhost", USER, PASSWORD);
    }

    @Override
    public String description() {
        return "GreenMail 2.1.8, embedded in the harness JVM, on 127.0.0.1 (Dovecot not available)";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return greenMail.getPop3().getPort();
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public void load(MessageFiles messages) throws IOException {
        try {
            greenMail.purgeEmailFromAllMailboxes();
            Session session = Session.getInstance(new Properties());
            for (Path file : messages.files) {
                try (InputStream in = Files.newInputStream(file)) {
                    user.deliver(new MimeMessage(session, in));
                }
            }
        } catch (FolderException | MessagingException e) {
            throw new IOException("cannot load GreenMail's maildrop: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isEmpty() throws IOException {
        return count() == 0;
    }

    @Override
    public long count() throws IOException {
        try {
            return greenMail.getManagers().getImapHostManager().getInbox(user).getMessageCount();
        } catch (FolderException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
