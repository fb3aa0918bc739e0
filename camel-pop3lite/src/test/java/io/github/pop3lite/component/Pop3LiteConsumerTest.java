package io.github.pop3lite.component;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery semantics and consumer options against GreenMail. */
class Pop3LiteConsumerTest extends GreenMailTestSupport {

    @Test
    void routesEveryMessageInMaildropOrderWithItsPop3HeadersAndDeletesIt() throws Exception {
        deliverSubjects("one", "two", "three");
        Map<Integer, String> uids = uidsOnServer();
        Map<Integer, Long> sizes = sizesOnServer();

        routeToMock(uri(""));
        awaitRouted(3);
        polls.awaitPolls(1);

        assertEquals(List.of("one", "two", "three"), routedSubjects());
        assertEquals(3, polls.get(0).routed(), "all three in the first poll");
        for (int i = 0; i < 3; i++) {
            Exchange exchange = routed().get(i);
            Object number = exchange.getIn().getHeader(Pop3LiteConstants.MESSAGE_NUMBER);
            assertInstanceOf(Integer.class, number);
            assertEquals(i + 1, number);
            assertEquals(uids.get(i + 1), exchange.getIn().getHeader(Pop3LiteConstants.UID));
            Object size = exchange.getIn().getHeader(Pop3LiteConstants.SIZE);
            assertInstanceOf(Long.class, size);
            assertEquals(sizes.get(i + 1), size);
            String subject = List.of("one", "two", "three").get(i);
            assertEquals(mail(subject, "body of " + subject), exchange.getIn().getBody(String.class));
        }
        assertEquals(List.of(), subjectsOnServer());
    }

    @Test
    void failingRouteKeepsItsMessageOnTheServerUntilALaterPollSucceeds() throws Exception {
        deliverSubjects("flaky");
        List<String> attempts = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop3")
                        .process(e -> {
                            attempts.add(e.getIn().getHeader(Pop3LiteConstants.UID, String.class));
                            if (attempts.size() == 1) {
                                throw new IllegalStateException("the first attempt fails");
                            }
                        })
                        .convertBodyTo(String.class).to("mock:out");
            }
        });
        awaitRouted(1);
        polls.awaitPolls(2);

        assertEquals(List.of("flaky"), routedSubjects());
        assertEquals(0, polls.get(0).routed(), "the failed message is not counted as routed");
        assertEquals(1, polls.get(1).routed(), "the kept message comes again at the next poll");
        assertEquals(2, attempts.size());
        assertEquals(attempts.get(0), attempts.get(1), "the same message (UID) both times");
        assertEquals(List.of(), subjectsOnServer());
    }

    @Test
    void poisonMessageDoesNotBlockTheOthersAndIsTriedOncePerPoll() throws Exception {
        deliverSubjects("a", "poison", "b");
        AtomicInteger poisonAttempts = new AtomicInteger();
        context.addRoutes(poisonRoute(uri("repeatCount=4"), poisonAttempts));
        polls.awaitPolls(4);

        assertEquals(List.of("a", "b"), routedSubjects());
        assertEquals(List.of("poison"), subjectsOnServer());
        assertEquals(List.of(2, 0, 0, 0), polls.routedCounts());
        assertEquals(4, poisonAttempts.get(), "one attempt per poll, no hot loop");
    }

    @Test
    void poisonMessageDoesNotBlockTheOthersWithMaxMessagesPerPoll() throws Exception {
        deliverSubjects("poison", "a", "b");
        AtomicInteger poisonAttempts = new AtomicInteger();
        context.addRoutes(poisonRoute(uri("maxMessagesPerPoll=1&repeatCount=5"), poisonAttempts));
        polls.awaitPolls(5);

        assertEquals(List.of("a", "b"), routedSubjects());
        assertEquals(List.of("poison"), subjectsOnServer());
        assertEquals(List.of(0, 1, 1, 0, 0), polls.routedCounts(),
                "the poison message fails once, then the others get their turn before it");
        assertEquals(3, poisonAttempts.get());
    }

    private RouteBuilder poisonRoute(String uri, AtomicInteger poisonAttempts) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3")
                        .process(e -> {
                            if ("poison".equals(e.getIn().getHeader("Subject"))) {
                                poisonAttempts.incrementAndGet();
                                throw new IllegalArgumentException("poison");
                            }
                        })
                        .convertBodyTo(String.class).to("mock:out");
            }
        };
    }

    @Test
    void deadLetterChannelParksThePoisonMessageAndItIsDeleted() throws Exception {
        deliverSubjects("a", "poison", "b");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("mock:dead"));
                from(uri("")).routeId("pop3")
                        .convertBodyTo(String.class)
                        .process(e -> {
                            if ("poison".equals(e.getIn().getHeader("Subject"))) {
                                throw new IllegalArgumentException("poison");
                            }
                        })
                        .to("mock:out");
            }
        });
        awaitRouted(2);
        polls.awaitPolls(3);

        assertEquals(List.of("a", "b"), routedSubjects());
        MockEndpoint dead = getMockEndpoint("mock:dead");
        assertEquals(1, dead.getReceivedCounter());
        Exchange parked = dead.getReceivedExchanges().get(0);
        assertEquals("poison", parked.getIn().getHeader("Subject"));
        assertEquals(mail("poison", "body of poison"), parked.getIn().getBody(String.class));
        assertEquals(3, polls.get(0).routed(), "a parked message counts as done");
        assertEquals(List.of(), subjectsOnServer());
    }

    @Test
    void keepModeDeliversEachMessageOnceAndLeavesThemOnTheServer() throws Exception {
        deliverSubjects("a", "b", "c");
        routeToMock(uri("delete=false"));
        awaitRouted(3);
        polls.awaitMorePolls(3);
        assertEquals(List.of("a", "b", "c"), routedSubjects());
        assertEquals(List.of("a", "b", "c"), subjectsOnServer());

        deliverSubjects("d");
        awaitRouted(4);
        polls.awaitMorePolls(3);
        assertEquals(List.of("a", "b", "c", "d"), routedSubjects());
        assertEquals(List.of("a", "b", "c", "d"), subjectsOnServer());
        assertTrue(polls.polls().stream().noneMatch(PollRecorder.Poll::failed), polls.polls().toString());
    }

    @Test
    void keepModeDeliversEachMessageOnceAlsoAcrossARouteRestart() throws Exception {
        deliverSubjects("a", "b");
        routeToMock(uri("delete=false"));
        awaitRouted(2);
        Pop3LiteConsumer before = consumer("pop3");
        context.getRouteController().stopRoute("pop3");
        context.getRouteController().startRoute("pop3");
        assertNotSame(before, consumer("pop3"), "Camel makes a new consumer when the route starts again");
        polls.awaitMorePolls(3);

        assertEquals(List.of("a", "b"), routedSubjects(), "the default repository outlives a restart of the route");
        assertEquals(List.of("a", "b"), subjectsOnServer());
    }

    @Test
    void keepModeDeliversEachMessageOnceAlsoAcrossAContextRestart() throws Exception {
        deliverSubjects("a", "b");
        List<String> seen = new CopyOnWriteArrayList<>();
        recordSubjects(context, uri("delete=false"), seen);
        await("both routed").atMost(TIMEOUT).until(() -> seen.size() == 2);
        context.stop();
        // a stop clears the beans bound at run time
        context.getRegistry().bind("polls", polls);
        context.start();
        deliverSubjects("c");
        await("c routed").atMost(TIMEOUT).until(() -> seen.contains("c"));
        polls.awaitMorePolls(3);

        assertEquals(List.of("a", "b", "c"), seen, "the default repository outlives a restart of the CamelContext");
        assertEquals(List.of("a", "b", "c"), subjectsOnServer());
    }

    @Test
    void keepModeDeliversEachMessageOnceAlsoToASecondCamelContextOfTheJvmAndForgetsWhatLeft() throws Exception {
        deliverSubjects("a", "b");
        Map<Integer, String> uids = uidsOnServer();
        List<String> seen = new CopyOnWriteArrayList<>();
        String uri = uri("delete=false");
        recordSubjects(context, uri, seen);
        await("both routed").atMost(TIMEOUT).until(() -> seen.size() == 2);
        context.stop();

        deliverSubjects("c");
        try (CamelContext second = new DefaultCamelContext()) {
            PollRecorder secondPolls = new PollRecorder();
            second.getRegistry().bind("polls", secondPolls);
            recordSubjects(second, uri, seen);
            second.start();
            await("c routed").atMost(TIMEOUT).until(() -> seen.contains("c"));
            secondPolls.awaitMorePolls(3);
            assertEquals(List.of("a", "b", "c"), seen, "a second CamelContext finds what the first routed");

            // another client deletes a: the first listing without it forgets its keys, and b's and c's stay
            try (Pop3Client other = Pop3Client.connect(Pop3ClientOptions.builder(bindAddress()).port(port()).build())) {
                other.login(USER, PASSWORD);
                other.dele(1);
                assertTrue(other.quit());
            }
            secondPolls.awaitMorePolls(2);
        }
        Set<String> keys = InMemoryKeyListingRepository.of(mailboxId).keysWithPrefix(mailboxId + "/");
        assertEquals(6, keys.size(), "a claim, its routed key and its content's routed record for b and c: " + keys);
        assertTrue(keys.stream().noneMatch(key -> key.startsWith(mailboxId + "/" + uids.get(1) + " ")),
                "a's keys are forgotten: " + keys);
        assertEquals(List.of("a", "b", "c"), seen);
        assertEquals(List.of("b", "c"), subjectsOnServer());
    }

    @Test
    void keepModeANewCamelContextOnTheSameMailboxIdDoesNotRouteAgainAndOneOnAnotherMailboxIdDoes() throws Exception {
        deliverSubjects("a");
        List<String> first = new CopyOnWriteArrayList<>();
        recordSubjects(context, uri("delete=false"), first);
        await("a routed").atMost(TIMEOUT).until(() -> first.size() == 1);
        context.stop();

        List<String> sameMailbox = new CopyOnWriteArrayList<>();
        try (CamelContext next = new DefaultCamelContext()) {
            PollRecorder nextPolls = new PollRecorder();
            next.getRegistry().bind("polls", nextPolls);
            recordSubjects(next, uri("delete=false"), sameMailbox);
            next.start();
            nextPolls.awaitPolls(3);
        }
        assertEquals(List.of(), sameMailbox, "a new CamelContext of the JVM on the same mailboxId knows a was routed");

        List<String> otherMailbox = new CopyOnWriteArrayList<>();
        try (CamelContext other = new DefaultCamelContext()) {
            other.getRegistry().bind("polls", new PollRecorder());
            recordSubjects(other, uri("delete=false&mailboxId=" + TestMailboxes.fresh(USER)), otherMailbox);
            other.start();
            await("a routed under another mailboxId").atMost(TIMEOUT).until(() -> otherMailbox.size() == 1);
        }
        assertEquals(List.of("a"), otherMailbox, "another mailboxId has a default repository of its own");
        assertEquals(List.of("a"), first);
        assertEquals(List.of("a"), subjectsOnServer());
    }

    @Test
    void keepModeWithAMailboxIdAnotherHostNameForTheServerDeliversNothingAgain() throws Exception {
        deliverSubjects("a");
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        context.getRegistry().bind("repo", repository);
        List<String> first = new CopyOnWriteArrayList<>();
        recordSubjects(context, uri("delete=false&idempotentRepository=#repo&mailboxId=inbox"), first);
        await("a routed").atMost(TIMEOUT).until(() -> first.size() == 1);
        context.stop();

        // the same server under the name localhost (127.0.0.1 here), as after a change of the host alias
        String renamed = uri("delete=false&idempotentRepository=#repo&mailboxId=inbox")
                .replace("pop3lite:127.0.0.1:", "pop3lite:localhost:");
        List<String> sameMailbox = new CopyOnWriteArrayList<>();
        try (CamelContext next = new DefaultCamelContext()) {
            PollRecorder nextPolls = new PollRecorder();
            next.getRegistry().bind("polls", nextPolls);
            next.getRegistry().bind("repo", repository);
            recordSubjects(next, renamed, sameMailbox);
            next.start();
            nextPolls.awaitPolls(3);
        }
        assertEquals(List.of(), sameMailbox, "the mailboxId, not the host name, scopes the keys");

        // without a mailboxId the keys are scoped by user@host:port, so the new name is a new mailbox
        List<String> defaultScope = new CopyOnWriteArrayList<>();
        try (CamelContext next = new DefaultCamelContext()) {
            next.getRegistry().bind("polls", new PollRecorder());
            next.getRegistry().bind("repo", repository);
            recordSubjects(next, renamed.replace("&mailboxId=inbox", ""), defaultScope);
            next.start();
            await("a routed under user@localhost:port").atMost(TIMEOUT).until(() -> defaultScope.size() == 1);
        }
        assertEquals(List.of("a"), first);
        assertEquals(List.of("a"), subjectsOnServer());
    }

    /** A route {@code pop3} from uri that adds the Subject of each Exchange to seen. */
    private static void recordSubjects(CamelContext camel, String uri, List<String> seen) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").process(e -> seen.add(e.getIn().getHeader("Subject", String.class)));
            }
        });
    }

    @Test
    void apopAgainstAServerWithoutTimestampFallsBackToUserPassOrFails() throws Exception {
        // GreenMail 2.1.8 greets without an APOP timestamp
        deliverSubjects("m");
        PollRecorder strict = new PollRecorder();
        context.getRegistry().bind("strict", strict);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("authentication=apop&apopFallback=false&pollStrategy=#strict")).routeId("strict")
                        .to("mock:strict");
            }
        });
        strict.awaitPolls(2);
        assertTrue(strict.polls().stream().allMatch(PollRecorder.Poll::failed), strict.polls().toString());
        String error = strict.get(0).failure().getMessage();
        assertTrue(error.contains("greeting carries no valid APOP timestamp"), error);
        assertEquals(0, getMockEndpoint("mock:strict").getReceivedCounter());
        assertEquals(List.of("m"), subjectsOnServer());

        routeToMock(uri("authentication=apop&apopFallback=true"));
        awaitRouted(1);
        assertEquals(List.of("m"), routedSubjects());
    }

    @Test
    void maxMessagesPerPollLimitsEachPollAndSetsTheBatchProperties() throws Exception {
        deliverSubjects("m1", "m2", "m3", "m4", "m5");
        List<String> batch = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("maxMessagesPerPoll=2")).routeId("pop3")
                        .process(e -> batch.add(e.getIn().getHeader("Subject") + " "
                                                + e.getProperty(Exchange.BATCH_INDEX) + "/"
                                                + e.getProperty(Exchange.BATCH_SIZE) + " "
                                                + e.getProperty(Exchange.BATCH_COMPLETE)))
                        .to("mock:out");
            }
        });
        awaitRouted(5);
        polls.awaitPolls(4);

        assertEquals(List.of(2, 2, 1, 0), polls.routedCounts().subList(0, 4));
        assertEquals(List.of("m1 0/2 false", "m2 1/2 true", "m3 0/2 false", "m4 1/2 true", "m5 0/1 true"), batch);
        assertEquals(List.of(), subjectsOnServer());
    }

    @Test
    void greedyPollsAgainAtOnceWhileMessagesCome() throws Exception {
        deliverSubjects("m1", "m2", "m3", "m4", "m5");
        // one minute between scheduled polls: only greedy polling can route all five in time
        routeToMock(uri("delay=60000&greedy=true&maxMessagesPerPoll=2"));
        awaitRouted(5);
        polls.awaitPolls(4);

        assertEquals(List.of(2, 2, 1, 0), polls.routedCounts());
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), routedSubjects());
    }

    @Test
    void messageOverMaxMessageSizeIsNeverDownloadedStaysOnTheServerAndIsReportedOnce() throws Exception {
        deliver(mail("small1", "tiny"));
        deliver(mail("big", "x".repeat(5000)));
        deliver(mail("small2", "tiny"));
        Map<Integer, Long> sizes = sizesOnServer();
        assertTrue(sizes.get(1) < 1000 && sizes.get(2) > 1000 && sizes.get(3) < 1000, sizes.toString());

        try (LogCapture logs = new LogCapture()) {
            routeToMock(uri("maxMessageSize=1000"));
            awaitRouted(2);
            polls.awaitMorePolls(4);

            assertEquals(List.of("small1", "small2"), routedSubjects());
            assertEquals(List.of("big"), subjectsOnServer());
            assertEquals(1, logs.at(Level.WARN, "maxMessageSize").size(), logs.fullText());
            assertTrue(polls.polls().stream().noneMatch(PollRecorder.Poll::failed), polls.polls().toString());
        }
    }

    /** The SHA-256 of a message as the server sends it, from a POP3 session of our own, closed without QUIT. */
    private byte[] sha256OnServer(int number) throws Exception {
        try (Pop3Client pop3 = Pop3Client.connect(Pop3ClientOptions.builder(bindAddress()).port(port()).build())) {
            pop3.login(USER, PASSWORD);
            try (InputStream message = pop3.retr(number)) {
                return MessageDigest.getInstance("SHA-256").digest(message.readAllBytes());
            }
        }
    }

    @Test
    void idempotentRepositoryRecordsUserHostPortUidSizeAndDeletesWhatWasRoutedBefore() throws Exception {
        useTheDefaultMailboxId();
        deliverSubjects("known", "new");
        Map<Integer, String> uids = uidsOnServer();
        Map<Integer, Long> sizes = sizesOnServer();
        String scope = USER + "@127.0.0.1:" + port() + "/";
        String known = scope + uids.get(1) + " " + sizes.get(1);
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        // routed by an earlier consumer whose deletion was never committed
        String content = known + " sha256:" + HexFormat.of().formatHex(sha256OnServer(1)) + " routed";
        repository.add(known);
        repository.add(known + " routed");
        repository.add(content);
        context.getRegistry().bind("repo", repository);

        routeToMock(uri("idempotentRepository=#repo"));
        awaitRouted(1);
        polls.awaitMorePolls(2);

        assertEquals(List.of("new"), routedSubjects(), "a message the repository knows was routed is not routed again");
        String key = scope + uids.get(2) + " " + sizes.get(2);
        assertEquals(key, routed().get(0).getIn().getHeader(Pop3LiteConstants.IDEMPOTENT_KEY));
        assertEquals(List.of(), subjectsOnServer(), "the known message is deleted: its earlier DELE was lost");
        // the keys of this JVM go once a listing no longer shows their message; a plain repository cannot list
        // the others, so those stay
        assertEquals(new TreeSet<>(List.of(known, known + " routed", content)),
                new TreeSet<>(repository.getCache().keySet()));
    }

    @Test
    void aClaimWithoutSuccessIsLeftToTheConsumerThatHoldsIt() throws Exception {
        useTheDefaultMailboxId();
        deliverSubjects("claimed", "free");
        Map<Integer, String> uids = uidsOnServer();
        Map<Integer, Long> sizes = sizesOnServer();
        String claimed = USER + "@127.0.0.1:" + port() + "/" + uids.get(1) + " " + sizes.get(1);
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        repository.start();
        repository.add(claimed);
        context.getRegistry().bind("repo", repository);

        routeToMock(uri("idempotentRepository=#repo"));
        awaitRouted(1);
        polls.awaitMorePolls(2);

        assertEquals(List.of("free"), routedSubjects(), "another consumer's claim is not routed");
        assertEquals(List.of("claimed"), subjectsOnServer(), "nor deleted: that consumer's route may still fail");
    }

    @Test
    void passwordWithUriCharactersWorksInRaw() throws Exception {
        String password = "p+a&s%s=w;rd#1?";
        greenMail.setUser("carol@example.com", "carol", password)
                .deliver(GreenMailUtil.newMimeMessage(mail("for carol", "hi")));
        routeToMock(uri("carol", password, ""));
        awaitRouted(1);
        polls.awaitPolls(1);

        assertEquals(List.of("for carol"), routedSubjects());
        assertTrue(polls.polls().stream().noneMatch(PollRecorder.Poll::failed), polls.polls().toString());
    }

    @Test
    void bridgeErrorHandlerSendsPollFailuresToTheRoutesErrorHandler() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true).to("mock:errors");
                from(uri(USER, "wrong", "bridgeErrorHandler=true")).routeId("pop3").to("mock:out");
            }
        });
        MockEndpoint errors = getMockEndpoint("mock:errors");
        errors.expectedMinimumMessageCount(1);
        errors.assertIsSatisfied(TIMEOUT.toMillis());

        Exception error = errors.getReceivedExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertInstanceOf(Pop3LiteException.class, error);
        assertTrue(error.getMessage().contains("Login as 'alice'"), error.getMessage());
        assertEquals(0, routed().size());
    }

    @Test
    void withoutMapMailHeadersOnlyThePop3HeadersAreSet() throws Exception {
        deliverSubjects("plain");
        routeToMock(uri("mapMailHeaders=false"));
        awaitRouted(1);

        Exchange exchange = routed().get(0);
        for (String name : List.of("Subject", "From", "To", "Message-ID")) {
            assertNull(exchange.getIn().getHeader(name), name);
        }
        List<String> names = new ArrayList<>(exchange.getIn().getHeaders().keySet());
        names.removeIf(name -> name.startsWith("CamelPop3Lite"));
        assertEquals(List.of(), names, "only CamelPop3Lite headers: " + exchange.getIn().getHeaders());
        assertEquals(1, exchange.getIn().getHeader(Pop3LiteConstants.MESSAGE_NUMBER));
        assertEquals(mail("plain", "body of plain"), exchange.getIn().getBody(String.class));
    }
}
