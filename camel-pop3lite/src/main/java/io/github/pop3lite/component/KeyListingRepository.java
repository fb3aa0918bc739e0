package io.github.pop3lite.component;

import java.util.Set;

import org.apache.camel.spi.IdempotentRepository;

/**
 * An idempotent repository that can list its keys, so that the pop3lite consumer can forget the keys of
 * messages that left the maildrop (fetchmail's rule: what is no longer listed is forgotten). Every key of one
 * mailbox starts with that mailbox's prefix: its {@code mailboxId} followed by {@code "/"}.
 * <p>
 * With a plain {@link IdempotentRepository} the consumer can forget only the keys it added in this JVM.
 */
public interface KeyListingRepository extends IdempotentRepository {

    /**
     * The keys this repository holds that start with prefix.
     *
     * @param  prefix the start of the keys wanted, for example {@code "alice@mail.example.com:995/"}
     * @return        those keys; empty when there are none
     */
    Set<String> keysWithPrefix(String prefix);
}
