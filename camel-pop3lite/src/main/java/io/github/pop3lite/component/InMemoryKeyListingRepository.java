package io.github.pop3lite.component;

import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

import org.apache.camel.support.service.ServiceSupport;

/**
 * The default repository: every key in memory, none evicted, so that keep mode remembers the whole maildrop.
 * Keys leave only when the consumer forgets them because their message left the maildrop, so the repository
 * never outgrows the mailbox. It lives as long as its endpoint, not its consumer; a JVM restart forgets it.
 */
final class InMemoryKeyListingRepository extends ServiceSupport implements KeyListingRepository {

    private final ConcurrentSkipListSet<String> keys = new ConcurrentSkipListSet<>();

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
