package io.github.pop3lite.component;

import java.nio.charset.StandardCharsets;

import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.client.ScriptedPop3Server.Script;

/**
 * Scripts of whole consumer sessions for the engine's {@link ScriptedPop3Server}: the exact commands the
 * consumer sends in one poll, so that a test fails when it sends one more, one less, or another order.
 */
final class ScriptedSessions {

    static final String USER = "alice";
    static final String PASSWORD = "s3cret";

    /** One message of the scripted maildrop; its text has no line starting with a dot. */
    record Mail(int number, String uid, String text) {

        static Mail of(int number, String uid) {
            return new Mail(number, uid, "Subject: " + uid + "\r\nMessage-ID: <" + uid + "@example.com>\r\n\r\nbody of "
                                         + uid + "\r\n");
        }

        long size() {
            return text.getBytes(StandardCharsets.ISO_8859_1).length;
        }
    }

    private ScriptedSessions() {
    }

    /** Greeting without APOP timestamp, then USER/PASS accepted. */
    static Script loggedIn() {
        return ScriptedPop3Server.script()
                .send("+OK POP3 scripted server ready\r\n")
                .expect("USER " + USER).send("+OK\r\n")
                .expect("PASS " + PASSWORD).send("+OK maildrop locked and ready\r\n");
    }

    /** LIST, CAPA (with UIDL) and UIDL, as the consumer asks them at the start of each poll. */
    static Script listed(Script script, Mail... mails) {
        StringBuilder list = new StringBuilder("+OK " + mails.length + " messages\r\n");
        StringBuilder uidl = new StringBuilder("+OK\r\n");
        for (Mail mail : mails) {
            list.append(mail.number()).append(' ').append(mail.size()).append("\r\n");
            uidl.append(mail.number()).append(' ').append(mail.uid()).append("\r\n");
        }
        return script
                .expect("LIST").send(list.append(".\r\n").toString())
                .expect("CAPA").send("+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n")
                .expect("UIDL").send(uidl.append(".\r\n").toString());
    }

    static Script retr(Script script, Mail mail) {
        return script.expect("RETR " + mail.number()).send("+OK " + mail.size() + " octets\r\n" + mail.text() + ".\r\n");
    }

    static Script deleOk(Script script, Mail mail) {
        return script.expect("DELE " + mail.number()).send("+OK marked\r\n");
    }

    static Script quitOk(Script script) {
        return script.expect("QUIT").send("+OK bye\r\n").expectClosed();
    }

    /**
     * RETR and DELE of mails that are all routed, in the consumer's order without pipelining: it fetches one
     * message ahead of the one it routes (so that an Exchange knows whether it is the last of the batch), so
     * the DELE of a mail follows the RETR of the next.
     */
    static Script retrievedAndDeleted(Script script, Mail... mails) {
        for (int i = 0; i < mails.length; i++) {
            if (i == 0) {
                retr(script, mails[0]);
            }
            if (i + 1 < mails.length) {
                retr(script, mails[i + 1]);
            }
            deleOk(script, mails[i]);
        }
        return script;
    }

    /** A whole poll that routes and deletes every mail. */
    static Script drained(Mail... mails) {
        return quitOk(retrievedAndDeleted(listed(loggedIn(), mails), mails));
    }
}
