package io.github.pop3lite.component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.github.pop3lite.component.DeliveryLedger.Action;
import io.github.pop3lite.component.DeliveryLedger.Listed;
import io.github.pop3lite.component.DeliveryLedger.Step;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded random walk over whole mailbox histories, against a reference model: arrivals, deletions by other
 * clients, UIDLs reused after their message was deleted, UIDLs shared by several messages, route failures,
 * refused RETRs, sessions cut at every step (before, between and after DELEs, at QUIT, QUIT's reply lost),
 * and consumer restarts (a new JVM: a new ledger over the same persistent repository), some of them between a
 * route's success and its record. The consumer's poll is played as Pop3LiteConsumer plays it.
 * <p>
 * Invariants: none of our deletions removes a message before its route succeeded; a message is routed twice
 * only when a restart hit it between its route and the ledger (counted); once the faults stop, every message
 * not deleted by another client was routed. A reused UIDL always comes with another size here: the same size
 * is the limit docs/delivery.md states. Run with -Dpop3lite.walk.seed=N to replay a failure.
 */
class LedgerRandomWalkTest {

    private static final int STEPS = 3000;

    /** One message on the server; its content, and so its size, is its own. */
    record Mail(int id, String uid) {

        byte[] content() {
            return ("Message-ID: <" + id + "@walk>\r\n\r\n" + "x".repeat(id % 97)).getBytes(StandardCharsets.US_ASCII);
        }
    }

    @ParameterizedTest(name = "delete={0}, maxMessagesPerPoll={1}")
    @CsvSource({ "true,0", "true,2", "false,0", "false,2" })
    void historiesKeepTheGuarantee(boolean delete, int max) throws Exception {
        long seed = Long.getLong("pop3lite.walk.seed", System.nanoTime());
        try {
            walk(new Random(seed), delete, max);
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (replay with -Dpop3lite.walk.seed=" + seed + "): "
                                     + e.getMessage(), e);
        }
    }

    private void walk(Random random, boolean delete, int max) throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        DeliveryLedger ledger = new DeliveryLedger(repository, "alice@example.com", delete);
        List<Mail> server = new ArrayList<>();
        Map<Integer, Integer> routed = new HashMap<>();
        Map<Integer, Integer> allowedDuplicates = new HashMap<>();
        Set<Integer> deletedByOthers = new HashSet<>();
        Set<String> usedUids = new HashSet<>();
        int nextId = 1;
        int crashes = 0;
        for (int step = 0; step < STEPS; step++) {
            int event = random.nextInt(10);
            if (event < 3) {
                String uid;
                int kind = random.nextInt(6);
                if (kind == 0 && !usedUids.isEmpty()) {
                    // a UIDL seen before: reused after deletion, or shared with a listed message
                    List<String> old = new ArrayList<>(usedUids);
                    uid = old.get(random.nextInt(old.size()));
                } else {
                    uid = "u" + nextId;
                }
                usedUids.add(uid);
                server.add(new Mail(nextId++, uid));
            } else if (event == 3 && !server.isEmpty()) {
                deletedByOthers.add(server.remove(random.nextInt(server.size())).id());
            } else {
                boolean crashed = poll(random, ledger, server, routed, allowedDuplicates, true);
                if (crashed || random.nextInt(20) == 0) {
                    crashes++;
                    ledger = new DeliveryLedger(repository, "alice@example.com", delete);
                }
            }
        }
        // the faults stop: a few clean polls drain (or, keeping, deliver) what is left
        for (int i = 0; i < 10; i++) {
            poll(random, ledger, server, routed, allowedDuplicates, false);
        }
        for (int id = 1; id < nextId; id++) {
            int times = routed.getOrDefault(id, 0);
            if (!deletedByOthers.contains(id) && times == 0) {
                fail("message " + id + " was never routed; server " + server + ", keys " + repository.keysWithPrefix(""));
            }
            assertTrue(times <= 1 + allowedDuplicates.getOrDefault(id, 0),
                    "message " + id + " routed " + times + " times, " + allowedDuplicates.getOrDefault(id, 0)
                                                                            + " restarts between its route and the ledger");
        }
        if (delete) {
            assertEquals(List.of(), server.stream().filter(mail -> !stuck(mail, allowedDuplicates)).toList(),
                    "delete mode drains the maildrop");
        }
        assertTrue(repository.size() <= 2 * server.size(), "the repository is no larger than the maildrop: "
                                                          + repository.size() + " keys, " + server.size() + " messages, "
                                                          + crashes + " restarts");
    }

    /** A message a restart hit between its route and its record: its claim stays, as docs/delivery.md says. */
    private static boolean stuck(Mail mail, Map<Integer, Integer> hit) {
        return hit.containsKey(mail.id());
    }

    /** One poll as the consumer plays it; returns whether the consumer's JVM died in it. */
    private boolean poll(Random random, DeliveryLedger ledger, List<Mail> server, Map<Integer, Integer> routed,
                         Map<Integer, Integer> allowedDuplicates, boolean faults) throws Exception {
        Set<String> before = ledger.keys();
        List<Listed> listing = new ArrayList<>();
        for (int i = 0; i < server.size(); i++) {
            listing.add(new Listed(i + 1, server.get(i).content().length, server.get(i).uid()));
        }
        List<Mail> session = List.copyOf(server);
        Set<Integer> toDelete = new HashSet<>();
        for (Step planned : ledger.plan(listing, before, 0)) {
            Mail mail = session.get(planned.message().number() - 1);
            int fault = faults ? random.nextInt(40) : 99;
            if (fault == 0) {
                return false;
            }
            if (planned.action() == Action.DELETE) {
                assertTrue(routed.getOrDefault(mail.id(), 0) > 0, "planned to delete message " + mail.id()
                                                                  + ", never routed");
                toDelete.add(mail.id());
                continue;
            }
            if (fault == 1) {
                ledger.fetchFailed(planned.message());
                continue;
            }
            Step step = planned.action() == Action.FETCH
                    ? ledger.decide(planned.message(), MessageDigest.getInstance("SHA-256").digest(mail.content()))
                    : planned;
            if (step.action() == Action.DELETE) {
                assertTrue(routed.getOrDefault(mail.id(), 0) > 0, "decided to delete message " + mail.id()
                                                                  + ", never routed");
                toDelete.add(mail.id());
            }
            if (step.action() != Action.ROUTE || !ledger.claim(step.key())) {
                continue;
            }
            if (fault == 2 || fault == 3) {
                ledger.routeFailed(step);
                continue;
            }
            routed.merge(mail.id(), 1, Integer::sum);
            if (fault == 4) {
                // the JVM dies between the route's success and the ledger
                allowedDuplicates.merge(mail.id(), 1, Integer::sum);
                return true;
            }
            ledger.routed(step);
            if (ledger.deletes()) {
                toDelete.add(mail.id());
            }
        }
        int quit = faults ? random.nextInt(10) : 9;
        if (quit == 0) {
            // cut before QUIT, or QUIT lost: nothing deleted
            return false;
        }
        // committed (also when only QUIT's reply is lost)
        server.removeIf(mail -> toDelete.contains(mail.id()));
        return false;
    }
}
