package io.github.pop3lite.component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;

import org.apache.camel.support.service.ServiceSupport;

/**
 * The default repository: every key in memory, none evicted, so that keep mode remembers the whole maildrop.
 * Keys leave only when the consumer forgets them because their message left the maildrop, so the repository
 * never outgrows the mailbox.
 * <p>
 * There is one per mailboxId in the JVM ({@link #of}), not one per endpoint: Camel makes a new consumer at every
 * route start and new endpoints at every CamelContext start, and either would otherwise forget what was routed,
 * so that keep mode delivered everything again. Only a JVM restart forgets it.
 */
final class InMemoryKeyListingRepository extends ServiceSupport implements KeyListingRepository {

    /** An entry per mailboxId polled in this JVM, each holding only what its maildrop needs. */
    private static final ConcurrentMap<String, InMemoryKeyListingRepository> BY_MAILBOX = new ConcurrentHashMap<>();

    private final ConcurrentSkipListSet<String> keys = new ConcurrentSkipListSet<>();

    /** The default repository of the mailbox named mailboxId, the same one for every endpoint of the JVM. */
    static InMemoryKeyListingRepository of(String mailboxId) {
        return BY_MAILBOX.computeIfAbsent(mailboxId, id -> new InMemoryKeyListingRepository());
    }

    @Override
    public boolean add(String key) {
        return keys.add(key);
    }

    @Override
    public boolean contains(String key) {
        return keys.contains(key);
    }

    @Override
    public boolean remove(String key) {
        return keys.remove(key);
    }

    @Override
    public boolean confirm(String key) {
        return keys.contains(key);
    }

    @Override
    public void clear() {
        keys.clear();
    }

    @Override
    public Set<String> keysWithPrefix(String prefix) {
        // a key starting with prefix sorts below prefix followed by the highest char
        return Set.copyOf(keys.subSet(prefix, true, prefix + Character.MAX_VALUE, false));
    }

    int size() {
        return keys.size();
    }
}
