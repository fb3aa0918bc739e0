package io.github.pop3lite.component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.github.pop3lite.component.DeliveryLedger.Action;
import io.github.pop3lite.component.DeliveryLedger.Listed;
import io.github.pop3lite.component.DeliveryLedger.Step;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's rules as tables, without a server. Each row is one poll: the listing, then what the consumer
 * does with each planned message (written {@code number:ACTION}, {@code FETCH>} when its content decided), and
 * the outcomes of the routes. A listing entry is {@code number/uid/size/content}, uid {@code -} for a server
 * without UIDL; an outcome is {@code number=ok}, {@code number=fail} or {@code number=refused} (RETR refused).
 */
class DeliveryLedgerTest {

    private static final String MAILBOX = "alice@mail.example.com:995";

    /** One poll: listing, expected decisions, outcomes. */
    record Poll(String listing, String expected, String outcomes) {
    }

    static Poll poll(String listing, String expected, String outcomes) {
        return new Poll(listing, expected, outcomes);
    }

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("routed, then deleted unrouted when its deletion was not committed, once its download"
                             + " found its content routed", true, 0, List.of(
                                poll("1/a/10/x", "1:ROUTE", "1=ok"),
                                poll("1/a/10/x", "1:FETCH>DELETE", ""),
                                poll("1/a/10/x", "1:FETCH>DELETE", ""),
                                poll("", "", ""))),
                Arguments.of("delete mode: the routed message left and a new one came under its UIDL and size between two"
                             + " polls (its deletion not committed, then another client deleted it): the new one is"
                             + " routed, then deleted unrouted when its own deletion was not committed", true, 0, List.of(
                                poll("1/a/10/x", "1:ROUTE", "1=ok"),
                                poll("1/a/10/y", "1:FETCH>ROUTE", "1=ok"),
                                poll("1/a/10/y", "1:FETCH>DELETE", ""),
                                poll("", "", ""))),
                Arguments.of("delete mode: a newer message shared the routed one's UIDL and size, the older one's download"
                             + " failed at every poll that listed both, then the older left: the newer is routed", true,
                        0, List.of(
                                poll("1/a/10/x", "1:ROUTE", "1=ok"),
                                poll("1/a/10/x 2/a/10/y", "1:FETCH 2:FETCH>ROUTE", "1=refused 2=fail"),
                                poll("1/a/10/x 2/a/10/y", "1:FETCH 2:FETCH>ROUTE", "1=refused 2=fail"),
                                poll("1/a/10/y", "1:FETCH>ROUTE", "1=ok"),
                                poll("", "", ""))),
                Arguments.of("keep mode: a message routed under a unique UIDL and size is skipped without a download", false,
                        0, List.of(
                                poll("1/a/10/x", "1:ROUTE", "1=ok"),
                                poll("1/a/10/x", "", ""))),
                Arguments.of("keep mode: routed once, skipped while listed", false, 0, List.of(
                        poll("1/a/10/x 2/b/20/y", "1:ROUTE 2:ROUTE", "1=ok 2=ok"),
                        poll("1/a/10/x 2/b/20/y", "", ""),
                        poll("2/b/20/y", "", ""))),
                Arguments.of("keep mode: a message that left is forgotten; one under its UIDL and size later is new", false,
                        0, List.of(
                                poll("1/a/10/x", "1:ROUTE", "1=ok"),
                                poll("", "", ""),
                                poll("1/a/10/z", "1:ROUTE", "1=ok"))),
                Arguments.of("a reused UIDL with another size is a new message at once", true, 0, List.of(
                        poll("1/a/10/x", "1:ROUTE", "1=ok"),
                        poll("1/a/12/z", "1:ROUTE", "1=ok"))),
                Arguments.of("a failed route releases the claim: routed again at the next poll", true, 0, List.of(
                        poll("1/a/10/x", "1:ROUTE", "1=fail"),
                        poll("1/a/10/x", "1:ROUTE", "1=ok"))),
                Arguments.of("messages sharing a UIDL are told apart by content; one failing is not taken as routed", true, 0,
                        List.of(
                                poll("1/a/10/x 2/a/10/y", "1:FETCH>ROUTE 2:FETCH>ROUTE", "1=fail 2=ok"),
                                poll("1/a/10/x 2/a/10/y", "1:FETCH>ROUTE 2:FETCH>DELETE", "1=ok"),
                                poll("", "", ""))),
                Arguments.of("keep mode: messages sharing a UIDL are each delivered once", false, 0, List.of(
                        poll("1/a/10/x 2/a/10/y", "1:FETCH>ROUTE 2:FETCH>ROUTE", "1=ok 2=ok"),
                        poll("1/a/10/x 2/a/10/y", "1:FETCH>SKIP 2:FETCH>SKIP", ""))),
                Arguments.of("a UIDL and size shared only now: the older message is found routed by its content, the new"
                             + " one is routed", false, 0, List.of(
                                poll("1/a/10/x", "1:ROUTE", "1=ok"),
                                poll("1/a/10/x 2/a/10/y", "1:FETCH>SKIP 2:FETCH>ROUTE", "2=ok"),
                                poll("1/a/10/x 2/a/10/y", "1:FETCH>SKIP 2:FETCH>SKIP", ""))),
                Arguments.of("keep mode, maxMessagesPerPoll: messages told apart by content take turns, so those routed"
                             + " before cannot take every place", false, 1, List.of(
                                poll("1/a/10/x 2/a/10/y 3/b/20/z", "1:FETCH>ROUTE", "1=ok"),
                                poll("1/a/10/x 2/a/10/y 3/b/20/z", "2:FETCH>ROUTE", "2=ok"),
                                poll("1/a/10/x 2/a/10/y 3/b/20/z", "3:ROUTE", "3=fail"),
                                poll("1/a/10/x 2/a/10/y 3/b/20/z", "3:ROUTE", "3=ok"),
                                poll("1/a/10/x 2/a/10/y 3/b/20/z", "1:FETCH>SKIP", ""))),
                Arguments.of("maxMessagesPerPoll: the download that checks a routed message's content takes no place",
                        true, 1, List.of(
                                poll("1/a/10/x", "1:ROUTE", "1=ok"),
                                poll("1/a/10/x 2/a/10/y", "1:FETCH>DELETE 2:FETCH>ROUTE", "2=ok"))),
                Arguments.of("maxMessagesPerPoll without UIDL: a failing message told apart by content yields its place",
                        true, 1, List.of(
                                poll("1/-/10/x 2/-/10/y", "1:FETCH>ROUTE", "1=fail"),
                                poll("1/-/10/x 2/-/10/y", "2:FETCH>ROUTE", "2=ok"),
                                poll("1/-/10/x", "1:FETCH>ROUTE", "1=ok"))),
                Arguments.of("maxMessagesPerPoll without UIDL: a refused RETR of a message told apart by content yields its"
                             + " place", true, 1, List.of(
                                poll("1/-/10/x 2/-/10/y", "1:FETCH", "1=refused"),
                                poll("1/-/10/x 2/-/10/y", "2:FETCH>ROUTE", "2=ok"))),
                Arguments.of("maxMessagesPerPoll: a failing message yields its place", true, 1, List.of(
                        poll("1/a/10/x 2/b/10/y", "1:ROUTE", "1=fail"),
                        poll("1/a/10/x 2/b/10/y", "2:ROUTE", "2=ok"),
                        poll("1/a/10/x", "1:ROUTE", "1=ok"))),
                Arguments.of("maxMessagesPerPoll: a refused RETR counts like a failed route", true, 1, List.of(
                        poll("1/a/10/x 2/b/10/y", "1:ROUTE", "1=refused"),
                        poll("1/a/10/x 2/b/10/y", "2:ROUTE", "2=ok"))),
                Arguments.of("deletions of earlier polls do not count against maxMessagesPerPoll", true, 1, List.of(
                        poll("1/a/10/x 2/b/10/y", "1:ROUTE", "1=ok"),
                        poll("1/a/10/x 2/b/10/y", "1:FETCH>DELETE 2:ROUTE", "2=ok"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void decisionsFollowTheRules(String name, boolean delete, int max, List<Poll> polls) throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        DeliveryLedger ledger = new DeliveryLedger(repository, MAILBOX, delete);
        int number = 0;
        for (Poll poll : polls) {
            number++;
            assertEquals(poll.expected(), run(ledger, poll, max), name + ", poll " + number);
        }
        if (polls.get(polls.size() - 1).listing().isEmpty()) {
            // one more poll of the empty maildrop forgets every key: the repository is no larger than the maildrop
            run(ledger, poll("", "", ""), max);
            assertEquals(Set.of(), repository.keysWithPrefix(""), name + ": keys left");
        }
    }

    @Test
    void keysAreTheMailboxUidlAndSizeAndARoutedMarker() throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        DeliveryLedger ledger = new DeliveryLedger(repository, MAILBOX, true);
        run(ledger, poll("1/a/10/x 2/-/20/y", "1:ROUTE 2:FETCH>ROUTE", "1=ok 2=fail"), 0);
        // the plain key's success, which plans the next polls, and the content's claim and success, which a later
        // download checks; the plain claim went once its success was recorded
        assertEquals(new TreeSet<>(Set.of(MAILBOX + "/a 10 routed", MAILBOX + "/a 10 sha256:" + hex("x"),
                MAILBOX + "/a 10 sha256:" + hex("x") + " routed")), new TreeSet<>(repository.keysWithPrefix(MAILBOX + "/")));
        assertEquals(MAILBOX + "/ 20 sha256:" + hex("y"), ledger.decide(listed("2/-/20/y"), sha256("y")).key());
    }

    @ParameterizedTest(name = "delete={0}")
    @ValueSource(booleans = { true, false })
    void aNewerMessageUnderARoutedUidlAndSizeThatFailedIsRoutedOnceTheOlderLeft(boolean delete) throws Exception {
        DeliveryLedger ledger = new DeliveryLedger(new InMemoryKeyListingRepository(), MAILBOX, delete);
        run(ledger, poll("1/a/10/x", "", "1=ok"), 0);
        // the deletion of x was not committed (or keep mode); y arrives under x's UIDL and size and fails
        run(ledger, poll("1/a/10/x 2/a/10/y", "", "2=fail"), 0);
        // x left: y alone shows x's UIDL and size, and must not be taken for x
        assertEquals("1:FETCH>ROUTE", run(ledger, poll("1/a/10/y", "", "1=ok"), 0));
    }

    @Test
    void anotherConsumerRoutingAndDeletingTheOlderMessageBetweenOurListingAndItsDownloadLosesNoNewerOne()
            throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        DeliveryLedger ours = new DeliveryLedger(repository, MAILBOX, true);
        DeliveryLedger other = new DeliveryLedger(repository, MAILBOX, true);
        Poll both = poll("1/a/10/x 2/a/10/y", "", "1=refused 2=fail");
        List<Step> plan = ours.plan(listing(both), ours.keys(), 0);
        // the other consumer listed x before y came, routed it under its plain key and deleted it
        assertEquals("1:ROUTE", run(other, poll("1/a/10/x", "", "1=ok"), 0));
        // so our download of x finds it gone, and y's route fails
        assertEquals("1:FETCH 2:FETCH>ROUTE", execute(ours, plan, both));
        // y alone under x's routed UIDL and size is routed, not deleted as x
        assertEquals("1:FETCH>ROUTE", run(ours, poll("1/a/10/y", "", "1=ok"), 0));
        assertEquals("1:FETCH>DELETE", run(other, poll("1/a/10/y", "", ""), 0));
    }

    @ParameterizedTest(name = "delete={0}")
    @ValueSource(booleans = { true, false })
    void twoConsumersThatKeyOneMessageApartRouteItOnce(boolean delete) throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        DeliveryLedger seesItAlone = new DeliveryLedger(repository, MAILBOX, delete);
        DeliveryLedger seesBoth = new DeliveryLedger(repository, MAILBOX, delete);
        // the first lists x alone and keys it by its UIDL and size
        Step plain = seesItAlone.plan(List.of(listed("1/a/10/x")), seesItAlone.keys(), 0).get(0);
        assertEquals(Action.ROUTE, plain.action());
        // y arrives under x's UIDL and size; the second lists both, keys x by its content and routes it (its
        // deletion not committed, or keep mode)
        assertEquals("1:FETCH>ROUTE 2:FETCH>ROUTE", run(seesBoth, poll("1/a/10/x 2/a/10/y", "", "1=ok 2=ok"), 0));
        // so the first's download of x finds it routed: deleted as routed, or left
        assertEquals(delete ? Action.DELETE : Action.SKIP, seesItAlone.claim(plain, sha256("x")).action());
        assertFalse(repository.contains(MAILBOX + "/a 10"), "the plain claim is given back");

        // the other way round: the first claims x between the second's download of x and its claim
        InMemoryKeyListingRepository shared = new InMemoryKeyListingRepository();
        DeliveryLedger first = new DeliveryLedger(shared, MAILBOX, delete);
        DeliveryLedger second = new DeliveryLedger(shared, MAILBOX, delete);
        Step alone = first.plan(List.of(listed("1/a/10/x")), first.keys(), 0).get(0);
        List<Step> both = second.plan(List.of(listed("1/a/10/x"), listed("2/a/10/y")), second.keys(), 0);
        Step byContent = second.decide(both.get(0).message(), sha256("x"));
        assertEquals(Action.ROUTE, byContent.action());
        assertEquals(Action.ROUTE, first.claim(alone, sha256("x")).action());
        assertEquals(Action.SKIP, second.claim(byContent, sha256("x")).action());
        first.routed(alone, sha256("x"));
        assertEquals(delete ? "1:FETCH>DELETE" : "", run(second, poll("1/a/10/x", "", ""), 0));
    }

    @Test
    void theKeysOfAContentThatLeftASharedUidlAndSizeAreForgottenWhileOthersStayListed() throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        DeliveryLedger ledger = new DeliveryLedger(repository, MAILBOX, false);
        assertEquals("1:FETCH>ROUTE 2:FETCH>ROUTE", run(ledger, poll("1/a/10/x 2/a/10/y", "", "1=ok 2=ok"), 0));
        // y left, z came under the same UIDL and size: y's keys go, since every listed content was downloaded
        assertEquals("1:FETCH>SKIP 2:FETCH>ROUTE", run(ledger, poll("1/a/10/x 2/a/10/z", "", "2=ok"), 0));
        assertEquals("1:FETCH>SKIP 2:FETCH>SKIP", run(ledger, poll("1/a/10/x 2/a/10/z", "", ""), 0));
        Set<String> expected = new TreeSet<>();
        for (String content : List.of("x", "z")) {
            expected.add(MAILBOX + "/a 10 sha256:" + hex(content));
            expected.add(MAILBOX + "/a 10 sha256:" + hex(content) + DeliveryLedger.ROUTED);
        }
        assertEquals(expected, new TreeSet<>(repository.keysWithPrefix(MAILBOX + "/")));
    }

    @Test
    void aProcessDyingBetweenTheTwoSuccessWritesLeavesAMessageThatIsDeletedNotStuck() throws Exception {
        // confirming the claim is where the process dies; the routed key, if written first, survives it
        DyingRepository dying = new DyingRepository();
        dying.dying = true;
        DeliveryLedger crashed = new DeliveryLedger(dying, MAILBOX, true);
        Step step = crashed.plan(List.of(listed("1/a/10/x")), crashed.keys(), 0).get(0);
        assertEquals(Action.ROUTE, crashed.claim(step, sha256("x")).action());
        assertThrows(DyingRepository.ProcessDied.class, () -> crashed.routed(step, sha256("x")));

        DeliveryLedger next = new DeliveryLedger(dying.keys, MAILBOX, true);
        assertEquals("1:FETCH>DELETE", run(next, poll("1/a/10/x", "", ""), 0));
    }

    @Test
    void aClaimOfAnotherConsumerIsSkippedNeverDeleted() throws Exception {
        for (boolean delete : new boolean[] { true, false }) {
            InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
            repository.add(MAILBOX + "/a 10");
            DeliveryLedger ledger = new DeliveryLedger(repository, MAILBOX, delete);
            assertEquals("2:ROUTE", run(ledger, poll("1/a/10/x 2/b/10/y", "", "2=ok"), 0), "delete=" + delete);
            assertTrue(repository.contains(MAILBOX + "/a 10"), "the claim stays while its message is listed");
        }
    }

    @Test
    void onlyKeysStoredBeforeTheListingAreForgotten() throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        DeliveryLedger ledger = new DeliveryLedger(repository, MAILBOX, true);
        Set<String> before = ledger.keys();
        // another consumer lists a message that arrived after our LIST and claims it
        repository.add(MAILBOX + "/new 10");
        ledger.plan(List.of(), before, 0);
        assertTrue(repository.contains(MAILBOX + "/new 10"), "a claim made after our listing is not ours to forget");
        ledger.plan(List.of(), ledger.keys(), 0);
        assertFalse(repository.contains(MAILBOX + "/new 10"), "forgotten once a later listing does not show it");
    }

    @Test
    void theKeysOfAnotherMailboxAreLeftAlone() throws Exception {
        InMemoryKeyListingRepository repository = new InMemoryKeyListingRepository();
        repository.add("alice@mail.example.com:9950/a 10");
        repository.add("bob@mail.example.com:995/a 10");
        DeliveryLedger ledger = new DeliveryLedger(repository, MAILBOX, true);
        ledger.plan(List.of(), ledger.keys(), 0);
        assertEquals(2, repository.size());
    }

    @Test
    void aPlainRepositoryForgetsOnlyTheKeysOfThisJvm() throws Exception {
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        repository.add(MAILBOX + "/old 10");
        DeliveryLedger ledger = new DeliveryLedger(repository, MAILBOX, true);
        run(ledger, poll("1/a/10/x", "1:ROUTE", "1=ok"), 0);
        run(ledger, poll("", "", ""), 0);
        assertEquals(Set.of(MAILBOX + "/old 10"), repository.getCache().keySet());
    }

    @Test
    void aMessageWhoseDeletionWasNotCommittedIsDeletedAfterARestartOverARepositoryThatCannotListItsKeys()
            throws Exception {
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        DeliveryLedger first = new DeliveryLedger(repository, MAILBOX, true);
        run(first, poll("1/a/10/x", "1:ROUTE", "1=ok"), 0);
        assertEquals("1:FETCH>DELETE", run(first, poll("1/a/10/x", "", ""), 0));
        // that check kept the plain key's records, which a new ledger finds without listing the repository
        assertEquals("1:FETCH>DELETE", run(new DeliveryLedger(repository, MAILBOX, true), poll("1/a/10/x", "", ""), 0));
    }

    /** Runs one poll as the consumer does, and returns its decisions. */
    private static String run(DeliveryLedger ledger, Poll poll, int max) throws Exception {
        return execute(ledger, ledger.plan(listing(poll), ledger.keys(), max), poll);
    }

    private static List<Listed> listing(Poll poll) {
        List<Listed> listing = new ArrayList<>();
        for (String entry : poll.listing().split(" ")) {
            if (!entry.isEmpty()) {
                listing.add(listed(entry));
            }
        }
        return listing;
    }

    /** Downloads, routes and settles a planned poll as the consumer does, and returns its decisions. */
    private static String execute(DeliveryLedger ledger, List<Step> plan, Poll poll) throws Exception {
        List<Listed> listing = listing(poll);
        List<String> contents = new ArrayList<>();
        for (String entry : poll.listing().split(" ")) {
            if (!entry.isEmpty()) {
                contents.add(entry.split("/")[3]);
            }
        }
        List<String> decisions = new ArrayList<>();
        for (Step planned : plan) {
            Step step = planned;
            String prefix = "";
            if (planned.action() == Action.FETCH) {
                if (outcome(poll, planned).equals("refused")) {
                    ledger.fetchFailed(planned.message());
                    decisions.add(planned.message().number() + ":FETCH");
                    continue;
                }
                step = ledger.decide(planned.message(), sha256(contents.get(listing.indexOf(planned.message()))));
                prefix = "FETCH>";
            }
            decisions.add(step.message().number() + ":" + prefix + step.action());
            if (step.action() != Action.ROUTE) {
                continue;
            }
            switch (outcome(poll, step)) {
                case "refused" -> ledger.fetchFailed(step.message());
                case "fail" -> {
                    byte[] sha256 = sha256(contents.get(listing.indexOf(step.message())));
                    assertEquals(Action.ROUTE, ledger.claim(step, sha256).action());
                    ledger.routeFailed(step, sha256);
                }
                case "ok" -> {
                    byte[] sha256 = sha256(contents.get(listing.indexOf(step.message())));
                    assertEquals(Action.ROUTE, ledger.claim(step, sha256).action());
                    ledger.routed(step, sha256);
                }
                default -> throw new IllegalArgumentException("no outcome for message " + step.message().number());
            }
        }
        return String.join(" ", decisions);
    }

    private static String outcome(Poll poll, Step step) {
        for (String outcome : poll.outcomes().split(" ")) {
            if (outcome.startsWith(step.message().number() + "=")) {
                return outcome.substring(outcome.indexOf('=') + 1);
            }
        }
        return "";
    }

    private static Listed listed(String entry) {
        String[] parts = entry.split("/");
        return new Listed(Integer.parseInt(parts[0]), Long.parseLong(parts[2]), parts[1].equals("-") ? null : parts[1]);
    }

    private static byte[] sha256(String content) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.US_ASCII));
    }

    private static String hex(String content) throws Exception {
        return java.util.HexFormat.of().formatHex(sha256(content));
    }
}
