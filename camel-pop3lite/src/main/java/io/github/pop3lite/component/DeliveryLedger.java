package io.github.pop3lite.component;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.spi.IdempotentRepository;

/**
 * The delivery rules of one mailbox: from a listing and the idempotent repository, what each listed message gets
 * (route it, delete it unrouted, skip it, or fetch it first because only its content tells it apart), and which
 * keys to forget. No server is involved: the consumer feeds it listings and outcomes.
 * <p>
 * A key is {@code <mailboxId>/<uidl> <size>}: the UIDL identifies a message only while it is unique in the
 * listing and the message exists, and the LIST size tells most reused UIDLs apart. Messages that share a UIDL
 * and a size in one listing, and every message of a server without UIDL (empty uidl), get
 * {@code <mailboxId>/<uidl> <size> sha256:<digest of the message>}.
 * <p>
 * Which of the two a message gets is decided by the listing and what is stored (see {@link #plan}), so
 * that a message keeps its key when others come to share its UIDL and size, or leave.
 * <p>
 * The key itself is the claim: {@code add} before routing (false: someone claimed or routed it), {@code remove}
 * when the route failed, {@code confirm} when it succeeded. A success also records {@code <key> routed}, which
 * is what allows deleting, unrouted, a message whose earlier deletion was never committed; a bare claim may be
 * another consumer's message in flight, so it is skipped instead. A key is forgotten at the first poll whose
 * listing, taken after the key was stored, no longer shows its UIDL and size (fetchmail's rule).
 */
final class DeliveryLedger {

    static final String ROUTED = " routed";
    private static final String DIGEST = " sha256:";

    enum Action {
        /** Claim the key, then route the message. */
        ROUTE,
        /** Routed before, its deletion not committed: delete it without routing it again. */
        DELETE,
        /** Routed before (keep mode), or claimed by another consumer: leave it. */
        SKIP,
        /** Only the message's content tells it apart: download it, then {@link #decide(Listed, byte[])}. */
        FETCH
    }

    /** One line of the listing: number and LIST size, and the UIDL or null when the server has none. */
    record Listed(int number, long size, String uid) {

        /** What the listing shows of this message: UIDL and size. */
        String part() {
            return (uid == null ? "" : uid) + " " + size;
        }
    }

    /** What to do with one listed message; key is null for {@link Action#FETCH}. */
    record Step(Listed message, Action action, String key) {
    }

    private final IdempotentRepository repository;
    private final String prefix;
    private final boolean delete;
    /** Keys stored through this ledger, for a repository that cannot list its own. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Listing parts whose route or download failed: they yield their place under maxMessagesPerPoll. */
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    /**
     * The highest message number whose download, in the latest poll, showed it routed or claimed before. Those up
     * to it yield their place under maxMessagesPerPoll at the next poll, so that messages told apart only by
     * content (or claimed by a process that died) cannot take every place, poll after poll.
     */
    private volatile int skippedThrough;

    DeliveryLedger(IdempotentRepository repository, String mailboxId, boolean delete) {
        this.repository = repository;
        this.prefix = mailboxId + "/";
        this.delete = delete;
    }

    String prefix() {
        return prefix;
    }

    /** Whether the consumer deletes what it routed (delete=true) or keeps it. */
    boolean deletes() {
        return delete;
    }

    IdempotentRepository repository() {
        return repository;
    }

    /** The keys stored now; call it before LIST, so that what it forgets was stored before the listing. */
    Set<String> keys() {
        if (repository instanceof KeyListingRepository listing) {
            return listing.keysWithPrefix(prefix);
        }
        return Set.copyOf(known);
    }

    /**
     * Forgets the stored keys whose message the listing no longer shows, then plans the poll: every DELETE, and
     * up to max (0: no limit) messages to route or fetch, in maildrop order but with those that failed before
     * behind the others, and behind them the downloads up to the last one the previous poll found routed. What
     * grows with the listing is arrays ({@link ListedParts}, {@link Plan}), so that a million messages fit a small heap.
     *
     * @param before the {@link #keys()} taken before the listing
     */
    List<Step> plan(List<Listed> listing, Set<String> before, int max) {
        ListedParts listed = new ListedParts(listing);
        forget(before, listed);
        // UIDL and size of the messages that were told apart by content: their keys carry a digest
        Set<String> byContent = new HashSet<>();
        for (String key : before) {
            String rest = key.substring(prefix.length());
            if (rest.contains(DIGEST) && listed.contains(part(rest))) {
                byContent.add(part(rest));
            }
        }
        listed.endLookups();
        // under maxMessagesPerPoll only the first max of the messages to route or fetch are kept
        Plan deletions = new Plan(listing, prefix, 0);
        Plan fresh = new Plan(listing, prefix, max);
        Plan retried = new Plan(listing, prefix, max);
        Plan passed = new Plan(listing, prefix, max);
        int skipped = skippedThrough;
        skippedThrough = 0;
        for (int i = 0; i < listing.size(); i++) {
            Listed message = listing.get(i);
            Step step = plan(message, listed.unique(i), listed.first(i), byContent);
            switch (step.action()) {
                case DELETE -> deletions.append(i, step);
                case SKIP -> {
                }
                default -> {
                    if (failed.contains(message.part())) {
                        retried.append(i, step);
                    } else {
                        (step.action() == Action.FETCH && message.number() <= skipped ? passed : fresh).append(i, step);
                    }
                }
            }
        }
        fresh.appendAll(retried);
        fresh.appendAll(passed);
        Plan steps = new Plan(listing, prefix, 0);
        steps.appendAll(deletions);
        steps.appendAll(fresh);
        return steps.detached();
    }

    /**
     * A UIDL and size seen once in the listing is the key. Once others share them, the key stored before
     * belongs to the first of them (the older message: later arrivals are listed after it), and the others are
     * told apart by content; and once content told them apart, it goes on doing so.
     */
    private Step plan(Listed message, boolean unique, boolean first, Set<String> byContent) {
        if (message.uid() == null) {
            return new Step(message, Action.FETCH, null);
        }
        String key = prefix + message.part();
        if (first && (repository.contains(key) || repository.contains(key + ROUTED))) {
            return decide(message, key);
        }
        if (unique && !byContent.contains(message.part())) {
            return decide(message, key);
        }
        return new Step(message, Action.FETCH, null);
    }

    /** The decision for a message fetched because only its content tells it apart. */
    Step decide(Listed message, byte[] sha256) {
        Step step = decide(message, prefix + message.part() + DIGEST + HexFormat.of().formatHex(sha256));
        if (step.action() != Action.ROUTE) {
            skippedThrough = Math.max(skippedThrough, message.number());
        }
        return step;
    }

    private Step decide(Listed message, String key) {
        if (repository.contains(key + ROUTED)) {
            return new Step(message, delete ? Action.DELETE : Action.SKIP, key);
        }
        return new Step(message, repository.contains(key) ? Action.SKIP : Action.ROUTE, key);
    }

    /** The atomic claim before routing: false when another consumer claimed or routed the message meanwhile. */
    boolean claim(String key) {
        if (!repository.add(key)) {
            return false;
        }
        known.add(key);
        return true;
    }

    /**
     * The route succeeded: the success is recorded, then the claim confirmed, both before any DELE. The
     * {@code routed} key is written first because it alone decides: should the process die before the claim is
     * confirmed, the next poll (of any node) finds it and deletes the message unrouted, where a confirmed claim
     * without it would be skipped by everyone for as long as the message stays listed.
     */
    void routed(Step step) {
        String routed = step.key() + ROUTED;
        repository.add(routed);
        repository.confirm(routed);
        known.add(routed);
        repository.confirm(step.key());
        failed.remove(step.message().part());
    }

    /** The route failed: the claim is released, so that the next poll routes the message again. */
    void routeFailed(Step step) {
        release(step.key());
        failed.add(step.message().part());
    }

    /** The message could not be downloaded: it stays, and yields its place to the others. */
    void fetchFailed(Listed message) {
        failed.add(message.part());
    }

    /** A claim whose message was not routed (the consumer stopped first): released for the next poll. */
    void release(String key) {
        repository.remove(key);
        known.remove(key);
    }

    private void forget(Set<String> before, ListedParts listed) {
        for (String key : before) {
            if (key.startsWith(prefix) && !listed.contains(part(key.substring(prefix.length())))) {
                repository.remove(key);
                known.remove(key);
            }
        }
        failed.removeIf(part -> !listed.contains(part));
    }

    /** The UIDL and size a key was made of: what the listing must show for the key to be kept. */
    private static String part(String rest) {
        int first = rest.indexOf(' ');
        if (first < 0) {
            return rest;
        }
        int second = rest.indexOf(' ', first + 1);
        return second < 0 ? rest : rest.substring(0, second);
    }
}
