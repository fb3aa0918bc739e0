package io.github.pop3lite.component;

import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
 * Which of the two a message gets is decided by the listing and what is stored (see {@link #plan}): once others
 * share a message's UIDL and size, all of them are told apart by content while any of them is listed, and the
 * older message's plain record moves to its content key at its first download, so that it cannot pass to a newer
 * message once the older left.
 * <p>
 * The key itself is the claim: {@code add} before routing (false: someone claimed or routed it), {@code remove}
 * when the route failed, {@code confirm} when it succeeded. A success also records {@code <key> routed}, which
 * is what allows deleting, unrouted, a message whose earlier deletion was never committed; a bare claim may be
 * another consumer's message in flight, so it is skipped instead. A key is forgotten at the first poll whose
 * listing, taken after the key was stored, no longer shows its UIDL and size (fetchmail's rule), or, under a UIDL
 * and size told apart by content, at a poll that downloaded every message listed under them and none showed it.
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
     * The highest number of a message told apart by content that the latest poll downloading one downloaded (or
     * tried to). Under maxMessagesPerPoll the next polls take those after it first: messages told apart by content
     * go round, so that those found routed or claimed (by a process that died, say) or failing cannot take every
     * place, poll after poll. They share their UIDL and size, so {@link #failed} cannot tell them apart.
     */
    private volatile int fetchedThrough;
    /** Whether this poll downloaded a message told apart by content yet. */
    private volatile boolean fetchedNow;
    /**
     * This poll's first listed message of each UIDL and size that others share now, whose plain key was routed:
     * its download moves that record to its digest key, so that the record cannot pass to another message once
     * the older one left.
     */
    private final Map<Integer, String> older = new ConcurrentHashMap<>();
    /** This poll's UIDL and sizes (an empty UIDL without UIDL) told apart by content. */
    private final Set<String> byContent = ConcurrentHashMap.newKeySet();
    /** Of those, the ones still downloading, with the keys stored under them before the listing. */
    private final Map<String, ContentGroup> groups = new ConcurrentHashMap<>();

    /**
     * The messages of one UIDL and size still to be downloaded this poll, and the keys the listed ones showed (a
     * first message left to a claim shows its plain key): once every one was downloaded, the keys stored under
     * that UIDL and size that none showed are of contents that left.
     */
    private static final class ContentGroup {
        private final Set<String> before;
        private final Set<String> shown = new HashSet<>();
        private int remaining;

        ContentGroup(Set<String> before) {
            this.before = before;
        }
    }

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
     * Forgets the stored keys whose message the listing no longer shows, then plans the poll: every DELETE and
     * every download of an older message whose record moves to its content key (ahead of the others, so that a
     * copy of it behind finds that record), then up to max (0: no limit) messages to route or fetch, in maildrop
     * order but with those that failed before behind the others, and behind them the messages told apart by
     * content up to the last one a poll downloaded.
     * What grows with the listing is arrays ({@link ListedParts}, {@link Plan}), so that a million messages fit a
     * small heap.
     *
     * @param before the {@link #keys()} taken before the listing
     */
    List<Step> plan(List<Listed> listing, Set<String> before, int max) {
        ListedParts listed = new ListedParts(listing);
        forget(before, listed);
        older.clear();
        groups.clear();
        byContent.clear();
        // UIDL and size of the messages that were told apart by content: their keys carry a digest
        Set<String> toldApart = new HashSet<>();
        Map<String, Set<String>> stored = new HashMap<>();
        for (String key : before) {
            String rest = key.substring(prefix.length());
            if (listed.contains(part(rest))) {
                stored.computeIfAbsent(part(rest), part -> new HashSet<>()).add(key);
                if (rest.contains(DIGEST)) {
                    toldApart.add(part(rest));
                }
            }
        }
        listed.endLookups();
        // deletions, and downloads of older messages: they route nothing, so they take no place under max;
        // of the others only the first max are kept
        Plan unlimited = new Plan(listing, prefix, 0);
        Plan fresh = new Plan(listing, prefix, max);
        Plan retried = new Plan(listing, prefix, max);
        Plan passed = new Plan(listing, prefix, max);
        int fetched = fetchedThrough;
        fetchedNow = false;
        for (int i = 0; i < listing.size(); i++) {
            Listed message = listing.get(i);
            Step step = plan(message, listed.unique(i), listed.first(i), toldApart);
            if (step.action() == Action.FETCH || !listed.unique(i) || toldApart.contains(message.part())) {
                ContentGroup group = groups.computeIfAbsent(message.part(),
                        part -> new ContentGroup(stored.getOrDefault(part, Set.of())));
                if (step.action() == Action.FETCH) {
                    byContent.add(message.part());
                    group.remaining++;
                } else {
                    group.shown.add(step.key());
                }
            }
            switch (step.action()) {
                case DELETE -> unlimited.append(i, step);
                case FETCH -> {
                    if (older.containsKey(message.number())) {
                        unlimited.append(i, step);
                    } else {
                        (message.number() <= fetched ? passed : fresh).append(i, step);
                    }
                }
                case SKIP -> {
                }
                default -> (failed.contains(message.part()) ? retried : fresh).append(i, step);
            }
        }
        // those left to a claim alone: nothing to download first
        List.copyOf(groups.keySet()).forEach(part -> shown(part, null));
        fresh.appendAll(retried);
        fresh.appendAll(passed);
        Plan steps = new Plan(listing, prefix, 0);
        steps.appendAll(unlimited);
        steps.appendAll(fresh);
        return steps.detached();
    }

    /**
     * A UIDL and size seen once in the listing is the key. Once others share them, every one of them is told
     * apart by content, and goes on being so while any of them is listed: a plain key never again decides alone,
     * since the message it was stored for may be the one that left. The plain key stored before belongs to the
     * first of them (the older message: later arrivals are listed after it); routed, it moves to that message's
     * digest key at its download; a bare claim (another consumer's route in flight) leaves that message alone.
     */
    private Step plan(Listed message, boolean unique, boolean first, Set<String> toldApart) {
        if (message.uid() == null) {
            return new Step(message, Action.FETCH, null);
        }
        String key = prefix + message.part();
        if (unique && !toldApart.contains(message.part())) {
            return decide(message, key);
        }
        if (first && repository.contains(key + ROUTED)) {
            older.put(message.number(), key);
            return new Step(message, Action.FETCH, null);
        }
        if (first && repository.contains(key)) {
            return decide(message, key);
        }
        return new Step(message, Action.FETCH, null);
    }

    /** The decision for a message fetched because only its content tells it apart. */
    Step decide(Listed message, byte[] sha256) {
        String key = prefix + message.part() + DIGEST + HexFormat.of().formatHex(sha256);
        String plain = older.remove(message.number());
        if (plain != null) {
            adopt(plain, key);
        }
        Step step = decide(message, key);
        fetched(message);
        shown(message.part(), key);
        return step;
    }

    /** The routed record of an older message's plain key becomes its digest key's: written first, then removed. */
    private void adopt(String plain, String key) {
        for (String adopted : List.of(key + ROUTED, key)) {
            repository.add(adopted);
            repository.confirm(adopted);
            known.add(adopted);
        }
        release(plain + ROUTED);
        release(plain);
    }

    /**
     * Counts a download (key null: none) of a UIDL and size told apart by content; after the last of this poll's
     * listing, forgets the keys stored under them before the listing that no listed content showed: those
     * contents left.
     */
    private void shown(String part, String key) {
        ContentGroup group = groups.get(part);
        if (group == null) {
            return;
        }
        if (key != null) {
            group.shown.add(key);
            group.remaining--;
        }
        if (group.remaining > 0) {
            return;
        }
        groups.remove(part);
        for (String stale : group.before) {
            String claim = stale.endsWith(ROUTED) ? stale.substring(0, stale.length() - ROUTED.length()) : stale;
            if (!group.shown.contains(claim)) {
                release(stale);
            }
        }
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
        if (byContent.contains(message.part())) {
            fetched(message);
        }
    }

    /** Moves the turn of the messages told apart by content past this one. */
    private void fetched(Listed message) {
        fetchedThrough = fetchedNow ? Math.max(fetchedThrough, message.number()) : message.number();
        fetchedNow = true;
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
