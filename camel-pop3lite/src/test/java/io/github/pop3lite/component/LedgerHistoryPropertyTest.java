package io.github.pop3lite.component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import io.github.pop3lite.component.DeliveryLedger.Action;
import io.github.pop3lite.component.DeliveryLedger.Listed;
import io.github.pop3lite.component.DeliveryLedger.Step;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whole mailbox histories, generated (and shrunk on failure) by jqwik, played through the {@link DeliveryLedger}
 * as Pop3LiteConsumer plays a poll (plan; fetch one message ahead and claim it; route; settle; QUIT), against a
 * reference model of the maildrop. A history is a list of events:
 * <ul>
 * <li>a message arrives: under a new UIDL; under the UIDL of a message that left, with another size or with the
 * same size; sharing the UIDL of a listed message with another size, with the same size and other content, or
 * byte for byte (a copy); on a server without UIDL, by content alone;</li>
 * <li>another client deletes a message;</li>
 * <li>a poll, whose faults come from its seed: failed routes, refused RETRs, refused DELEs, the session cut
 * between two routes, a QUIT refused or a session cut before it (no deletion committed), and the process dying
 * between the claims of a message's UIDL and size and of its content, in a route, between a route's success and the
 * {@code routed} write, or between that write and the claim's confirm;</li>
 * <li>a restart (a new ledger over the same repository, as a CamelContext restart or a persistent repository after
 * a new JVM).</li>
 * </ul>
 * In delete and keep mode, with maxMessagesPerPoll 0 to 3, with or without UIDL, one consumer or two taking turns
 * on one repository (without master:, on a server that does not lock the maildrop, one sometimes polls between the
 * other's listing and its downloads, and a new message may come between the two listings under the UIDL and size
 * of one the first listed, so that the two key that one apart), and with claims of a dead process that expire (as JdbcLedger's do) or stay
 * (as in a FileIdempotentRepository). Then the faults stop and a bounded number of clean polls run. Invariants:
 * <ul>
 * <li>none of our deletions removes a message before its route succeeded (a byte-identical copy counts as the
 * message it copies);</li>
 * <li>a message is routed twice only when the process died between its route's success and the {@code routed}
 * write and its claim then expired: the one case allowed, counted per message;</li>
 * <li>once the faults stop every message not deleted by another client is routed within twice as many polls
 * (per consumer) as there are messages, whatever maxMessagesPerPoll, and delete mode drains the maildrop, except
 * the messages whose claim a dead process left in a repository whose claims do not expire (the message in its
 * route and the rest of its batch, and a message that comes to share the UIDL and size of such a claim: the limit
 * docs/delivery.md states); then a poll changes nothing;</li>
 * <li>after each listing the repository holds keys only of listed UIDLs and sizes, at most two per content listed
 * under them since they are listed, plus two; once settled without maxMessagesPerPoll, at most two per content
 * listed plus one per UIDL and size listed.</li>
 * </ul>
 * RFC 1939 lets a server reuse a UIDL only once its message is gone. In delete mode the model reuses a UIDL with
 * the same size at any time and lets any message leave at any time: a message under a routed UIDL and size is
 * downloaded and its content decides before it is deleted unrouted. In keep mode a reuse with the same size that no
 * listing saw apart from the old message is the same listing as before, and a routed plain key skips its message
 * without a download (the keep-mode limit docs/delivery.md states): there the model reuses a UIDL with the same size
 * only after a listing without the old message, and lets a message leave only after a listing showed it beside any
 * newer message that shares its UIDL and size, and only once a poll downloaded every message under them.
 */
class LedgerHistoryPropertyTest {

    private static final String MAILBOX = "alice@example.com";

    enum Kind {
        ARRIVE, LEAVE, POLL, RESTART
    }

    /** One event; pick chooses what arrives or leaves, seed the faults of a poll. */
    record Event(Kind kind, int pick, long seed) {
    }

    /** One message on the server; identity is the message it is a byte-for-byte copy of, else its own id. */
    record Mail(int id, int identity, String uid, byte[] content) {

        long size() {
            return content.length;
        }

        String pair() {
            return uid + " " + content.length;
        }
    }

    /** A message downloaded and claimed, waiting for its route. */
    record Fetched(Step step, Mail mail) {
    }

    @Provide
    Arbitrary<List<Event>> histories() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(Tuple.of(5, Kind.ARRIVE), Tuple.of(1, Kind.LEAVE),
                Tuple.of(5, Kind.POLL), Tuple.of(1, Kind.RESTART));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 9_999), Arbitraries.longs())
                .as(Event::new).list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 800)
    void historiesKeepTheGuarantee(@ForAll boolean delete, @ForAll @IntRange(min = 0, max = 3) int maxMessagesPerPoll,
                                   @ForAll boolean uidl, @ForAll boolean claimsExpire, @ForAll boolean twoConsumers,
                                   @ForAll("histories") List<Event> history) {
        new Maildrop(delete, maxMessagesPerPoll, uidl, claimsExpire, twoConsumers).play(history);
    }

    /** The server, the consumer's ledger over a repository that outlives it, and what happened so far. */
    private static final class Maildrop {

        private final boolean delete;
        private final int max;
        private final boolean uidl;
        private final boolean claimsExpire;
        private final DyingRepository repository = new DyingRepository();
        /** The consumers on the repository: one, or two taking turns (the server locks the maildrop per session). */
        private final DeliveryLedger[] ledgers;
        private DeliveryLedger ledger;
        /** The consumer whose poll runs, and whether the other one's poll runs inside it. */
        private int current;
        private boolean interleaved;
        private int interleavings;
        private int diedClaiming;
        private final List<Mail> server = new ArrayList<>();
        private final Map<Integer, Integer> routed = new HashMap<>();
        private final Set<Integer> routedIdentities = new HashSet<>();
        private final Map<Integer, Integer> allowedDuplicates = new HashMap<>();
        /** Identities whose claim a dead process left for good. */
        private final Set<Integer> stuck = new HashSet<>();
        /**
         * UIDL and size whose plain key is such a claim: a message that comes to share them is blocked by it too,
         * while that key stays (the ledger cannot tell whose the claim is).
         */
        private final Set<String> stuckPairs = new HashSet<>();
        private final Set<Integer> deletedByOthers = new HashSet<>();
        private final Set<Integer> listedOnce = new HashSet<>();
        /** UIDL and size of messages that left since the last listing: not to be reused yet with that size. */
        private final Set<String> leftSinceListing = new HashSet<>();
        /** The size of the last message under each UIDL that no message on the server has now. */
        private final Map<String, Long> goneUids = new TreeMap<>();
        /** The messages listed under each UIDL and size since the listings show it. */
        private final Map<String, Set<Integer>> seenUnder = new HashMap<>();
        /** The message each copy copies; any other message is its own. */
        private final Map<Integer, Integer> identities = new HashMap<>();
        private int created;
        private int uids;

        Maildrop(boolean delete, int max, boolean uidl, boolean claimsExpire, boolean twoConsumers) {
            this.delete = delete;
            this.max = max;
            this.uidl = uidl;
            this.claimsExpire = claimsExpire;
            this.ledgers = new DeliveryLedger[twoConsumers ? 2 : 1];
            for (int i = 0; i < ledgers.length; i++) {
                ledgers[i] = newLedger();
            }
        }

        private DeliveryLedger newLedger() {
            return new DeliveryLedger(repository, MAILBOX, delete);
        }

        void play(List<Event> history) {
            for (Event event : history) {
                switch (event.kind()) {
                    case ARRIVE -> arrive(event.pick());
                    case LEAVE -> leave(event.pick());
                    case POLL -> {
                        current = Math.floorMod(event.pick(), ledgers.length);
                        ledger = ledgers[current];
                        poll(new Random(event.seed()), event.seed() % 3 != 0);
                        ledgers[current] = ledger;
                    }
                    case RESTART -> ledgers[Math.floorMod(event.pick(), ledgers.length)] = newLedger();
                }
            }
            // the faults stop: under maxMessagesPerPoll each poll of a consumer routes a message still due, or moves
            // the turn past a message told apart by content; so twice as many clean polls as messages (per
            // consumer) route them all
            int polls = 2 * ledgers.length * (server.size() + 1);
            for (int i = 0; i < polls; i++) {
                current = i % ledgers.length;
                ledger = ledgers[current];
                poll(null, false);
                ledgers[current] = ledger;
            }
            check();
            // and nothing changes after that
            for (DeliveryLedger consumer : ledgers) {
                ledger = consumer;
                assertTrue(!poll(null, false), "a poll after the maildrop settled routed or deleted: " + this);
            }
            Statistics.label("duplicates allowed").collect(!allowedDuplicates.isEmpty());
            Statistics.label("claims left for good").collect(!stuck.isEmpty());
            Statistics.label("polls between another's listing and its downloads").collect(interleavings > 0);
            Statistics.label("deaths between a plain claim and its content's").collect(diedClaiming > 0);
        }

        private void arrive(int pick) {
            int id = ++created;
            int size = 20 + pick / 8 % 5;
            Mail target = server.isEmpty() ? null : server.get(pick % server.size());
            int kind = pick % 8;
            String label = "new";
            Mail mail = new Mail(id, id, uidl ? "u" + ++uids : null, content(id, size));
            if (kind == 3 || kind == 4) {
                String uid = pickGone(pick, kind == 4);
                if (uid != null) {
                    long old = goneUids.get(uid);
                    long reused = kind == 4 ? old : otherSize(uid, old, pick);
                    mail = new Mail(id, id, uid, content(id, (int) reused));
                    label = kind == 4 ? "UIDL reused, same size" : "UIDL reused, other size";
                }
            } else if (kind >= 5 && target != null) {
                if (kind == 5 && uidl) {
                    mail = new Mail(id, id, target.uid(), content(id, (int) otherSize(target.uid(), target.size(), pick)));
                    label = "UIDL shared, other size";
                } else if (kind == 6 || kind == 5) {
                    mail = new Mail(id, id, target.uid(), content(id, (int) target.size()));
                    label = "UIDL and size shared, other content";
                } else {
                    mail = new Mail(id, target.identity(), target.uid(), target.content());
                    identities.put(id, target.identity());
                    label = "copy";
                }
            }
            Statistics.label("arrivals").collect(label);
            if (mail.uid() != null) {
                goneUids.remove(mail.uid());
            }
            server.add(mail);
        }

        /** A UIDL no message has now; in keep mode, for the same size, one a listing saw gone. */
        private String pickGone(int pick, boolean sameSize) {
            List<String> candidates = goneUids.keySet().stream()
                    .filter(uid -> delete || !sameSize || !leftSinceListing.contains(uid + " " + goneUids.get(uid)))
                    .toList();
            return candidates.isEmpty() ? null : candidates.get(pick % candidates.size());
        }

        /** A size other than old; in keep mode, one whose UIDL and size did not leave since the last listing. */
        private long otherSize(String uid, long old, int pick) {
            long size = old + 1 + pick % 3;
            while (!delete && leftSinceListing.contains(uid + " " + size)) {
                size++;
            }
            return size;
        }

        private void leave(int pick) {
            if (server.isEmpty()) {
                return;
            }
            Mail mail = server.get(pick % server.size());
            if (!delete && uidl && server.stream().anyMatch(other -> other != mail && other.pair().equals(mail.pair())
                                                                     && !listedOnce.contains(other.id()))) {
                // keep mode: no listing told them apart yet, so to any client its leaving would be the newer one's
                // arriving, and the routed plain key skips it
                return;
            }
            if (!delete && uidl && server.stream().anyMatch(other -> other != mail && other.pair().equals(mail.pair()))
                && keys().contains(MAILBOX + "/" + mail.pair() + DeliveryLedger.ROUTED)) {
                // keep mode: no poll downloaded every message under their UIDL and size while both were listed, so
                // the routed plain key stays and would skip the newer one (the limit docs/delivery.md states)
                return;
            }
            server.remove(mail);
            deletedByOthers.add(mail.id());
            left(mail);
        }

        private void left(Mail mail) {
            if (mail.uid() == null) {
                return;
            }
            if (server.stream().noneMatch(other -> other.pair().equals(mail.pair()))) {
                leftSinceListing.add(mail.pair());
            }
            if (server.stream().noneMatch(other -> other.uid().equals(mail.uid()))) {
                goneUids.put(mail.uid(), mail.size());
            }
        }

        /**
         * One poll as the consumer plays it; random is null for a clean poll.
         *
         * @return whether it routed or deleted anything
         */
        private boolean poll(Random random, boolean faulty) {
            Random faults = faulty ? random : null;
            Set<String> before = ledger.keys();
            List<Mail> session = List.copyOf(server);
            List<Listed> listing = new ArrayList<>();
            for (int i = 0; i < session.size(); i++) {
                listing.add(new Listed(i + 1, session.get(i).size(), session.get(i).uid()));
                listedOnce.add(session.get(i).id());
            }
            List<Step> plan = ledger.plan(listing, before, max);
            leftSinceListing.clear();
            seenUnder.keySet().removeIf(pair -> session.stream().noneMatch(mail -> mail.pair().equals(pair)));
            for (Mail mail : session) {
                seenUnder.computeIfAbsent(mail.pair(), pair -> new HashSet<>()).add(mail.identity());
            }
            checkKeysOnlyOfListed(listing);
            if (ledgers.length == 2 && faults != null && !interleaved && faults.nextInt(4) == 0) {
                if (uidl && faults.nextBoolean()) {
                    shareListed(session, faults.nextInt(10_000));
                }
                otherPollsNow(faults.nextLong());
            }
            Deque<Step> toFetch = new ArrayDeque<>();
            List<Mail> toDelete = new ArrayList<>();
            for (Step step : plan) {
                if (step.action() == Action.DELETE) {
                    toDelete.add(session.get(step.message().number() - 1));
                } else {
                    toFetch.add(step);
                }
            }
            int changes = 0;
            // one batch (the model's maildrops are below 256 messages): all downloaded and claimed, then routed
            Deque<Fetched> batch = new ArrayDeque<>();
            try {
                for (Fetched fetched = next(toFetch, toDelete, session, faults); fetched != null;
                     fetched = next(toFetch, toDelete, session, faults)) {
                    batch.add(fetched);
                }
            } catch (DiedClaiming e) {
                diedClaiming++;
                batch.add(e.claimed);
                died(batch);
                return changes > 0;
            }
            while (!batch.isEmpty()) {
                Fetched current = batch.poll();
                int fault = faults == null ? 99 : faults.nextInt(14);
                Mail mail = current.mail();
                if (fault <= 1) {
                    ledger.routeFailed(current.step(), sha256(mail.content()));
                } else if (fault == 2) {
                    // the process dies in the route
                    batch.addFirst(current);
                    died(batch);
                    return true;
                } else if (fault == 5) {
                    // the session is cut (a DELE of a message before could not be sent): the claims of the batch's
                    // rest go back, nothing of the session is deleted
                    batch.addFirst(current);
                    batch.forEach(fetched -> ledger.release(fetched.step(), sha256(fetched.mail().content())));
                    return changes > 0;
                } else {
                    routedOnce(mail);
                    changes++;
                    if (fault == 3) {
                        // the process dies after the route's success, before the ledger heard of it
                        if (claimsExpire) {
                            allowedDuplicates.merge(mail.id(), 1, Integer::sum);
                        }
                        batch.addFirst(current);
                        died(batch);
                        return true;
                    }
                    repository.dying = fault == 4;
                    try {
                        ledger.routed(current.step(), sha256(mail.content()));
                    } catch (DyingRepository.ProcessDied e) {
                        // between the routed write and the claim's confirm: the routed key decides
                        repository.dying = false;
                        died(batch);
                        return true;
                    }
                    if (delete) {
                        toDelete.add(mail);
                    }
                }
            }
            if (faults != null && faults.nextInt(5) == 0) {
                // QUIT refused, or the session cut before it: the server deletes nothing
                Statistics.label("deletions not committed").collect(!toDelete.isEmpty());
                return changes > 0;
            }
            for (Mail mail : toDelete) {
                if (faults != null && faults.nextInt(12) == 0 || !server.contains(mail)) {
                    continue; // DELE refused, or the other consumer deleted it: the message stays, or is gone
                }
                if (!routedIdentities.contains(mail.identity())) {
                    fail("message " + mail.id() + " " + mail.pair() + " deleted, never routed; " + this);
                }
                server.remove(mail);
                left(mail);
                changes++;
            }
            checkBound();
            return changes > 0;
        }

        /**
         * Another consumer without master: (on a server that does not lock the maildrop) polls between this poll's
         * listing and its downloads: what it routes and deletes is gone when this one downloads it.
         */
        private void otherPollsNow(long seed) {
            DeliveryLedger ours = ledger;
            int us = current;
            current = 1 - us;
            ledger = ledgers[current];
            interleaved = true;
            poll(new Random(seed), true);
            interleaved = false;
            ledgers[current] = ledger;
            current = us;
            ledger = ours;
            interleavings++;
        }

        /**
         * A new message comes under the UIDL and size of one this poll listed, before the other consumer's listing:
         * this poll keys the listed one by its UIDL and size, the other's by its content.
         */
        private void shareListed(List<Mail> session, int pick) {
            List<Mail> listed = session.stream().filter(server::contains).toList();
            if (listed.isEmpty()) {
                return;
            }
            Mail target = listed.get(pick % listed.size());
            int id = ++created;
            server.add(new Mail(id, id, target.uid(), content(id, (int) target.size())));
            Statistics.label("arrivals").collect("UIDL and size of a listed one shared between two listings");
        }

        /** The consumer's next(): downloads planned messages until one is to be routed, and claims it. */
        private Fetched next(Deque<Step> toFetch, List<Mail> toDelete, List<Mail> session, Random faults) {
            while (!toFetch.isEmpty()) {
                Step planned = toFetch.poll();
                Mail mail = session.get(planned.message().number() - 1);
                if (faults != null && faults.nextInt(12) == 0 || !server.contains(mail)) {
                    ledger.fetchFailed(planned.message()); // RETR refused, or the message is gone
                    continue;
                }
                Step step = planned.action() == Action.FETCH ? ledger.decide(planned.message(), sha256(mail.content()))
                        : planned;
                if (step.action() == Action.ROUTE) {
                    step = claim(step, mail, faults);
                }
                if (step.action() == Action.DELETE) {
                    toDelete.add(mail);
                } else if (step.action() == Action.ROUTE) {
                    return new Fetched(step, mail);
                }
            }
            return null;
        }

        /** The claim; with faults, the process may die between the claim of a plain key and its content's. */
        private Step claim(Step step, Mail mail, Random faults) {
            repository.dyingClaimingContent = faults != null && !step.key().contains(" sha256:") && faults.nextInt(20) == 0;
            try {
                return ledger.claim(step, sha256(mail.content()));
            } catch (DyingRepository.ProcessDied e) {
                throw new DiedClaiming(new Fetched(step, mail));
            } finally {
                repository.dyingClaimingContent = false;
            }
        }

        private void routedOnce(Mail mail) {
            int times = routed.merge(mail.id(), 1, Integer::sum);
            routedIdentities.add(mail.identity());
            if (times > 1 + allowedDuplicates.getOrDefault(mail.id(), 0)) {
                fail("message " + mail.id() + " " + mail.pair() + " routed " + times + " times; " + this);
            }
        }

        /**
         * The process died with these claims made and not settled (the message in its route and the rest of its
         * batch); nothing of the session is deleted. A new process starts over the same repository, where the
         * claims expired or stay for good.
         */
        private void died(Deque<Fetched> unsettled) {
            for (Fetched fetched : unsettled) {
                if (claimsExpire) {
                    repository.remove(fetched.step().key());
                    repository.remove(ledger.contentKey(fetched.step().message(), sha256(fetched.mail().content())));
                } else {
                    stuck.add(fetched.mail().identity());
                    if (fetched.step().key().equals(MAILBOX + "/" + fetched.mail().pair())) {
                        stuckPairs.add(fetched.mail().pair());
                    }
                }
            }
            ledger = newLedger();
        }

        private Set<String> keys() {
            return repository.keysWithPrefix(MAILBOX + "/");
        }

        private void checkKeysOnlyOfListed(List<Listed> listing) {
            Set<String> listed = new HashSet<>();
            for (Listed message : listing) {
                listed.add(MAILBOX + "/" + message.part());
            }
            for (String key : keys()) {
                String[] words = key.split(" ");
                assertTrue(listed.contains(words[0] + " " + words[1]), "key " + key + " kept, not listed: " + this);
            }
        }

        private void check() {
            for (int id = 1; id <= created; id++) {
                if (deletedByOthers.contains(id)) {
                    continue;
                }
                int identity = identityOf(id);
                if (!routedIdentities.contains(identity) && !blocked(id)) {
                    fail("message " + id + " never routed; " + this);
                }
            }
            if (delete) {
                assertEquals(List.of(), server.stream().filter(mail -> !blocked(mail.id())).toList(),
                        "delete mode drains the maildrop; " + this);
            }
            checkBound();
            if (max == 0) {
                // a poll that downloads every message of a UIDL and size forgets the contents that left it; a
                // message routed under its plain key has the routed record of its content besides (plus the claim a
                // dead process left on a UIDL and size, when a copy of its message was routed)
                long contents = server.stream().map(mail -> mail.pair() + " " + mail.identity()).distinct().count();
                long pairs = server.stream().map(Mail::pair).distinct().count();
                long bound = 2 * contents + pairs
                             + server.stream().map(Mail::pair).filter(stuckPairs::contains).distinct().count();
                assertTrue(keys().size() <= bound, "at most " + bound + " keys once settled: " + this);
            }
        }

        /**
         * Two keys (claim and routed) per message, where a message is one listed UIDL and size, or one content
         * listed under a UIDL and size that others share, plus the routed record of the content of a message routed
         * under its plain key, and that plain key's two until a poll downloaded every message under that UIDL and
         * size. While faults keep a poll from downloading every message of a UIDL
         * and size, the keys of contents that left it stay; {@link #check()} holds the settled maildrop to less.
         */
        private void checkBound() {
            int bound = seenUnder.values().stream().mapToInt(contents -> 2 * contents.size() + 2).sum();
            assertTrue(keys().size() <= bound, "at most " + bound + " keys: " + this);
        }

        /** Whether a claim a dead process left for good holds this message: its own, or that of its UIDL and size. */
        private boolean blocked(int id) {
            return stuck.contains(identityOf(id))
                   || server.stream().anyMatch(mail -> mail.id() == id && stuckPairs.contains(mail.pair()));
        }

        private int identityOf(int id) {
            return identities.getOrDefault(id, id);
        }

        @Override
        public String toString() {
            return "delete=" + delete + " max=" + max + " uidl=" + uidl + " claimsExpire=" + claimsExpire + ", server "
                   + server.stream().map(mail -> mail.id() + ":" + mail.pair()).toList() + ", keys " + keys()
                   + ", routed " + routed + ", stuck " + stuck + " " + stuckPairs;
        }
    }

    /** The process died claiming this message: its plain key claimed, its content key not. */
    private static final class DiedClaiming extends RuntimeException {
        private final transient Fetched claimed;

        DiedClaiming(Fetched claimed) {
            super("the process died claiming", null, false, false);
            this.claimed = claimed;
        }
    }

    /** Content of exactly size octets that no other message has. */
    private static byte[] content(int id, int size) {
        return (String.format("%08d", id) + "x".repeat(size - 8)).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
