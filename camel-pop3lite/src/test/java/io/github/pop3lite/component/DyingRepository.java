package io.github.pop3lite.component;

import java.util.Set;

import org.apache.camel.support.service.ServiceSupport;

/**
 * A repository that outlives the process using it (its keys stay for the next ledger); while {@link #dying},
 * confirming a claim is where that process dies, and while {@link #dyingClaimingContent}, claiming a content key,
 * so that only the writes before it are kept.
 */
final class DyingRepository extends ServiceSupport implements KeyListingRepository {

    /** What is left for the next process: read it through a ledger of its own. */
    final InMemoryKeyListingRepository keys = new InMemoryKeyListingRepository();
    boolean dying;
    boolean dyingClaimingContent;

    @Override
    public boolean add(String key) {
        if (dyingClaimingContent && key.contains(" sha256:") && !key.endsWith(DeliveryLedger.ROUTED)) {
            throw new ProcessDied();
        }
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
        if (dying && !key.endsWith(DeliveryLedger.ROUTED)) {
            throw new ProcessDied();
        }
        return keys.confirm(key);
    }

    @Override
    public void clear() {
        keys.clear();
    }

    @Override
    public Set<String> keysWithPrefix(String prefix) {
        return keys.keysWithPrefix(prefix);
    }

    /** The death of the process, thrown where it dies. */
    static final class ProcessDied extends RuntimeException {
        ProcessDied() {
            super("the process died", null, false, false);
        }
    }
}
