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

    /** The server's answer to the CAPA that authentication=auto asks before login: no SASL, so USER/PASS. */
    static final String CAPA_BEFORE_LOGIN = "+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n";

    /** Greeting without APOP timestamp, CAPA without SASL, then USER/PASS accepted. */
    static Script loggedIn() {
        return ScriptedPop3Server.script()
                .send("+OK POP3 scripted server ready\r\n")
                .expect("CAPA").send(CAPA_BEFORE_LOGIN)
                .expect("USER " + USER).send("+OK\r\n")
                .expect("PASS " + PASSWORD).send("+OK maildrop locked and ready\r\n");
    }

    /** LIST, CAPA (with UIDL) and UIDL, as the consumer asks them at the start of each poll. */
    static Script listed(Script script, Mail... mails) {
        return listed(script, "+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n", mails);
    }

    /** As {@link #listed(Script, Mail...)}, from a server whose CAPA announces PIPELINING. */
    static Script listedPipelining(Script script, Mail... mails) {
        return listed(script, "+OK\r\nUSER\r\nUIDL\r\nTOP\r\nPIPELINING\r\n.\r\n", mails);
    }

    private static Script listed(Script script, String capa, Mail... mails) {
        StringBuilder list = new StringBuilder("+OK " + mails.length + " messages\r\n");
        StringBuilder uidl = new StringBuilder("+OK\r\n");
        for (Mail mail : mails) {
            list.append(mail.number()).append(' ').append(mail.size()).append("\r\n");
            uidl.append(mail.number()).append(' ').append(mail.uid()).append("\r\n");
        }
        return script
                .expect("LIST").send(list.append(".\r\n").toString())
                .expect("CAPA").send(capa)
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
     * RETR and DELE of mails that are all routed and fit one batch, in the consumer's order without pipelining:
     * it downloads the whole batch before it routes its first Exchange (so that the batch properties are exact),
     * then sends the DELEs of the routed ones.
     */
    static Script retrievedAndDeleted(Script script, Mail... mails) {
        for (Mail mail : mails) {
            retr(script, mail);
        }
        for (Mail mail : mails) {
            deleOk(script, mail);
        }
        return script;
    }

    /** A whole poll that routes and deletes every mail. */
    static Script drained(Mail... mails) {
        return quitOk(retrievedAndDeleted(listed(loggedIn(), mails), mails));
    }
}
