package io.github.pop3lite.it;

import io.github.pop3lite.component.TestMailboxes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One private Dovecot per test class, and an empty maildrop for each test. */
abstract class DovecotTestSupport {

    static Dovecot dovecot;
    /** The emptied maildrop is a new mailbox for the consumer, whose default repository outlives a test. */
    String mailboxId;

    /** The user whose maildrop the tests of the class use. */
    abstract String user();

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = Dovecot.start();
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
            dovecot = null;
        }
    }

    @BeforeEach
    void emptyMaildrop() throws Exception {
        dovecot.clear(user());
        mailboxId = TestMailboxes.fresh(user());
    }
}
