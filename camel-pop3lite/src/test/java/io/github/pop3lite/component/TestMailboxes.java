package io.github.pop3lite.component;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names for the maildrops that tests poll. The consumer's default repository is one per mailboxId in the JVM, and
 * the default mailboxId, user@host:port, would make a test's server on a port the system picks look like the
 * mailbox of an earlier test that had that port: what the earlier one routed would be skipped. Each server a test
 * starts is a new mailbox, so it gets a name of its own.
 */
public final class TestMailboxes {

    private static final AtomicInteger SERVERS = new AtomicInteger();

    private TestMailboxes() {
    }

    /** A mailboxId no other test of this JVM uses: give it once per server and keep it across restarts. */
    public static String fresh(String user) {
        return user + "@test-mailbox-" + SERVERS.incrementAndGet();
    }
}
