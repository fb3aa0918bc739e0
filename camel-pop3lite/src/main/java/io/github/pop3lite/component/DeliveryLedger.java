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
 * (route it, skip it, or fetch it first because its content decides: whether to route it, delete it unrouted or
 * skip it), and which keys to forget. No server is involved: the consumer feeds it listings and outcomes.
 * <p>
 * A key is {@code <mailboxId>/<uidl> <size>}: the UIDL identifies a message only while it is unique in the
 * listing and the message exists, and the LIST size tells most reused UIDLs apart. Messages that share a UIDL
 * and a size in one listing, and every message of a server without UIDL (empty uidl), get
 * {@code <mailboxId>/<uidl> <size> sha256:<digest of the message>}.
 * <p>
 * Which of the two a message gets is decided by the listing and what is stored (see {@link #plan}): once others
 * share a message's UIDL and size, all of them are told apart by content while any of them is listed.
 * <p>
 * The key itself is the claim: {@code add} before routing (false: someone claimed or routed it), {@code remove}
 * when the route failed, {@code confirm} when it succeeded. Every route also claims the message's content key (a
 * route under the plain key claims it after the plain key), so that two consumers that key one message apart (one
 * listed it alone, the other beside a newer message under its UIDL and size) race on that one key. A success also
 * records {@code <key> routed} and the routed record of the message's content key, and a route under the plain key
 * then removes its plain claim: its routed record and the confirmed content claim stand for it. A message is
 * deleted unrouted (its earlier deletion never committed) only once its download found that content routed, since a UIDL and size alone may have passed to a
 * new message, which is then claimed under its content key and routed; in keep mode a plain routed record skips a
 * message alone under its UIDL and size without a download. A bare claim may be another consumer's message in
 * flight, so it is skipped instead. A key is forgotten at the first poll whose listing, taken after the key was
 * stored, no longer shows its UIDL and size (fetchmail's rule), or, under a UIDL and size whose messages were
 * downloaded, at a poll that downloaded every message listed under them and none showed it.
 */
final class DeliveryLedger {

    static final String ROUTED = " routed";
    private static final String DIGEST = " sha256:";

    enum Action {
        /** Claim the key, then route the message. */
        ROUTE,
        /** Its content was routed before, its deletion not committed: delete it without routing it again. */
        DELETE,
        /** Routed before (keep mode), or claimed by another consumer: leave it. */
        SKIP,
        /**
         * Only the message's content tells it apart, or tells whether it is the one routed under its UIDL and
         * size: download it, then {@link #decide(Listed, byte[])}.
         */
        FETCH
    }

    /** One line of the listing: number and LIST size, and the UIDL or null when the server has none. */
    record Listed(int number, long size, String uid) {

        /** What the listing shows of this message: UIDL and size. */
        String part() {
            return (uid == null ? "" : uid) + " " + size;
        }
    }

    /** What to do with one listed message; key is null for {@link Action#FETCH} once planned. */
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
     * This poll's downloads that check a routed plain key: planned ahead of the others, they do not move the turn
     * of the messages told apart by content, which would otherwise start over at every poll that has one.
     */
    private final Set<Integer> checks = ConcurrentHashMap.newKeySet();
    /**
     * Of those, the ones alone under their UIDL and size: found to be the message routed under that plain key, they
     * keep its records, so that a repository that cannot list its keys still finds them after a restart.
     */
    private final Set<Integer> aloneChecks = ConcurrentHashMap.newKeySet();
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
        /**
         * Whether the first message was left to a claim of its plain key: a route that also claimed the content key
         * of that message, which no download showed.
         */
        private boolean leftToClaim;
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
     * Forgets the stored keys whose message the listing no longer shows, then plans the poll: every download of a
     * message whose plain key was routed, which checks its content before it is deleted or skipped (it routes
     * nothing unless a new message took that UIDL and size, so it takes no place), then up to max (0: no limit)
     * messages to route or fetch, in maildrop order but with those that failed before behind the others, and
     * behind them the messages told apart by content up to the last one a poll downloaded.
     * What grows with the listing is arrays ({@link ListedParts}, {@link Plan}), so that a million messages fit a
     * small heap.
     *
     * @param before the {@link #keys()} taken before the listing
     */
    List<Step> plan(List<Listed> listing, Set<String> before, int max) {
        ListedParts listed = new ListedParts(listing);
        forget(before, listed);
        groups.clear();
        byContent.clear();
        checks.clear();
        aloneChecks.clear();
        Map<String, Set<String>> stored = new HashMap<>();
        for (String key : before) {
            String rest = key.substring(prefix.length());
            if (listed.contains(part(rest))) {
                stored.computeIfAbsent(part(rest), part -> new HashSet<>()).add(key);
            }
        }
        listed.endLookups();
        Set<String> toldApart = new HashSet<>();
        stored.forEach((part, keys) -> {
            String plain = prefix + part;
            if (keys.contains(plain + ROUTED) && keys.remove(plain)) {
                // left by a process that died between a route's routed records and the removal of its plain claim:
                // the routed record decides in its place
                release(plain);
            }
            if (toldApart(keys)) {
                toldApart.add(part);
            }
        });
        // downloads that check a routed plain key route nothing as a rule, so they take no place under max;
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
                    group.leftToClaim = true;
                }
            }
            switch (step.action()) {
                case FETCH -> {
                    if (step.key() != null) {
                        checks.add(message.number());
                        if (listed.unique(i)) {
                            aloneChecks.add(message.number());
                        }
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
     * Whether the keys stored under a UIDL and size say that its messages are told apart by content: keys with a
     * digest, other than those of the one content that a route under the plain key claims and records beside it.
     */
    private static boolean toldApart(Set<String> keys) {
        Set<String> contents = new HashSet<>();
        boolean plain = false;
        for (String key : keys) {
            if (key.contains(DIGEST)) {
                contents.add(key.endsWith(ROUTED) ? key.substring(0, key.length() - ROUTED.length()) : key);
            } else {
                plain = true;
            }
        }
        return !contents.isEmpty() && (!plain || contents.size() > 1);
    }

    /**
     * A UIDL and size seen once in the listing is the key. Once others share them, every one of them is told
     * apart by content, and goes on being so while any of them is listed. The plain key stored before belongs to
     * the first of them (the older message: later arrivals are listed after it). Routed, it tells only that a
     * message under that UIDL and size was routed, not that this one was: the message is downloaded (a FETCH that
     * carries the plain key) and its content decides, except in keep mode, where a unique UIDL and size so routed
     * is skipped, as downloading every kept message at every poll is not to be paid. A bare claim (another
     * consumer's route in flight) leaves that message alone.
     */
    private Step plan(Listed message, boolean unique, boolean first, Set<String> toldApart) {
        if (message.uid() == null) {
            return new Step(message, Action.FETCH, null);
        }
        String key = prefix + message.part();
        boolean plain = unique && !toldApart.contains(message.part());
        if (first && repository.contains(key + ROUTED)) {
            return new Step(message, plain && !delete ? Action.SKIP : Action.FETCH, key);
        }
        if (first && repository.contains(key)) {
            return new Step(message, Action.SKIP, key);
        }
        return new Step(message, plain ? Action.ROUTE : Action.FETCH, plain ? key : null);
    }

    /** The decision for a downloaded message whose content decides. */
    Step decide(Listed message, byte[] sha256) {
        String key = contentKey(message, sha256);
        boolean routed = repository.contains(key + ROUTED);
        Step step = new Step(message, routed ? routedAction() : repository.contains(key) ? Action.SKIP : Action.ROUTE,
                key);
        ContentGroup group = groups.get(message.part());
        if (group != null && aloneChecks.contains(message.number()) && routed) {
            // alone under the plain key that was routed, and its content routed: those records are this message's
            group.shown.add(prefix + message.part());
        }
        fetched(message);
        shown(message.part(), key);
        return step;
    }

    /** What a message gets whose content was routed: deleted (its deletion was not committed), or left. */
    private Action routedAction() {
        return delete ? Action.DELETE : Action.SKIP;
    }

    /** The key of this message's content: {@code <mailboxId>/<uidl> <size> sha256:<digest>}. */
    String contentKey(Listed message, byte[] sha256) {
        return prefix + message.part() + DIGEST + HexFormat.of().formatHex(sha256);
    }

    /**
     * Counts a download (key null: none) of a UIDL and size told apart by content; after the last of this poll's
     * listing, forgets the keys stored under them before the listing that no listed content showed: those
     * contents left. Not the content claims without a routed record beside a first message left to its plain claim: one of them may
     * be the claim of that message's route in flight.
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
            if (!group.shown.contains(claim) && !(group.leftToClaim && inFlight(stale, group.before))) {
                release(stale);
            }
        }
    }

    /**
     * Whether {@code key} is a content claim without its routed record: possibly the claim of a route in flight under
     * a plain claim, which no download of this poll could show. A content claim beside its routed record was routed,
     * and goes with that record once its content left.
     */
    private static boolean inFlight(String key, Set<String> before) {
        return key.contains(DIGEST) && !key.endsWith(ROUTED) && !before.contains(key + ROUTED);
    }

    /**
     * The atomic claim of a downloaded message, before it is routed: the step to take, {@link Action#ROUTE} once
     * claimed. A step keyed by its UIDL and size claims that key, then the message's content key, which a consumer
     * whose listing showed a newer message under the same UIDL and size keyed it by: whichever consumer's add of
     * the content key comes first routes it. When another consumer claimed the message, or routed it, the step is
     * {@link Action#SKIP}, or {@link Action#DELETE} in delete mode when its content's routed record is there (the
     * rule of a download that found its content routed); a plain claim made before the content's is given back.
     */
    Step claim(Step step, byte[] sha256) {
        String content = contentKey(step.message(), sha256);
        boolean plain = !content.equals(step.key());
        if (plain && !add(step.key())) {
            return new Step(step.message(), Action.SKIP, step.key());
        }
        if (add(content)) {
            return step;
        }
        if (plain) {
            release(step.key());
        }
        return new Step(step.message(), repository.contains(content + ROUTED) ? routedAction() : Action.SKIP, content);
    }

    private boolean add(String key) {
        if (!repository.add(key)) {
            return false;
        }
        known.add(key);
        return true;
    }

    /**
     * The route succeeded: the success is recorded, then the claim confirmed, all before any DELE. The routed
     * record of the message's content key ({@code sha256}: the digest of what was routed) is written first, so
     * that a plain routed record never stands without it: it is what a later download checks before deleting a
     * message under that UIDL and size unrouted. The {@code routed} keys are written before the confirm because
     * they alone decide: should the process die before the claim is confirmed, the next poll (of any node) finds
     * them and deletes the message unrouted, where a confirmed claim without them would be skipped by everyone for
     * as long as the message stays listed. A route under the plain key confirms its content claim and then removes
     * the plain claim: {@code <key> routed} decides the plan in its place, and a consumer that planned the message
     * before and claims the plain key now finds the content claim taken.
     */
    void routed(Step step, byte[] sha256) {
        String content = contentKey(step.message(), sha256);
        record(content + ROUTED);
        if (!content.equals(step.key())) {
            record(step.key() + ROUTED);
        }
        repository.confirm(content);
        if (!content.equals(step.key())) {
            release(step.key());
        }
        failed.remove(step.message().part());
    }

    private void record(String key) {
        repository.add(key);
        repository.confirm(key);
        known.add(key);
    }

    /** The route failed: the claims are released, so that the next poll routes the message again. */
    void routeFailed(Step step, byte[] sha256) {
        release(step, sha256);
        failed.add(step.message().part());
    }

    /** The claims of a message that was not routed (the consumer stopped first): released for the next poll. */
    void release(Step step, byte[] sha256) {
        String content = contentKey(step.message(), sha256);
        release(content);
        if (!content.equals(step.key())) {
            release(step.key());
        }
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
        if (checks.contains(message.number())) {
            return;
        }
        fetchedThrough = fetchedNow ? Math.max(fetchedThrough, message.number()) : message.number();
        fetchedNow = true;
    }

    private void release(String key) {
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
