package io.github.pop3lite.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.pop3lite.client.MessageUid;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;
import io.github.pop3lite.component.Leftovers;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cases of the delivery guarantee that once lost or blocked mail, each against the maildrop server, in
 * delete and keep mode where both apply. Messages are counted by their Message-ID, which is unique per
 * message whatever UIDL the server gives it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeliveryCasesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private MaildropServer server;
    private CamelContext context;
    private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        Reliability.stop(context, server);
    }

    private void count(Exchange exchange) {
        delivered.computeIfAbsent(exchange.getIn().getHeader("Message-ID", String.class), k -> new AtomicInteger())
                .incrementAndGet();
    }

    private int deliveries(int n) {
        AtomicInteger count = delivered.get("<" + n + "@reliability.example>");
        return count == null ? 0 : count.get();
    }

    private void start(String options, RouteBuilder routes) throws Exception {
        context = Reliability.startContext(Map.of(), routes, temp.resolve("spool"));
    }

    private RouteBuilder counting(String uri) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").process(DeliveryCasesTest.this::count);
            }
        };
    }

    /** Deletes a message as another client of the maildrop would. */
    private void deleteElsewhere(String uid) throws Exception {
        try (Pop3Client client = Pop3Client.connect(Pop3ClientOptions.builder("127.0.0.1").port(server.port()).build())) {
            client.login(MaildropServer.USER, MaildropServer.PASSWORD);
            for (MessageUid entry : client.uidl()) {
                if (entry.uid().equals(uid)) {
                    client.dele(entry.number());
                }
            }
            assertTrue(client.quit());
        }
    }

    @ParameterizedTest(name = "delete={0}")
    @ValueSource(booleans = { true, false })
    void aUidlReusedAfterItsMessageWasDeletedIsANewMessage(boolean delete) throws Exception {
        server = MaildropServer.start(false);
        server.add("reused", Reliability.message(1, 500));
        start("", counting(Reliability.uri(server.port(), 50, "delete=" + delete)));
        await("first delivered").atMost(TIMEOUT).until(() -> deliveries(1) == 1);
        if (!delete) {
            deleteElsewhere("reused");
        }
        await("gone").atMost(TIMEOUT).until(() -> server.size() == 0);
        int sessions = server.sessions();
        // let a poll see the maildrop without it, as a server that reuses the UIDL would leave time for
        await("a poll after the deletion").atMost(TIMEOUT).until(() -> server.sessions() > sessions + 1);
        server.add("reused", Reliability.message(2, 500));
        await("the new message under the old UIDL is delivered").atMost(TIMEOUT).until(() -> deliveries(2) == 1);
        if (delete) {
            await("and deleted").atMost(TIMEOUT).until(() -> server.size() == 0);
        }
        assertEquals(1, deliveries(1));
    }

    @ParameterizedTest(name = "delete={0}")
    @ValueSource(booleans = { true, false })
    void messagesSharingAUidlAreEachDeliveredOnceEvenWhenOneFailsFirst(boolean delete) throws Exception {
        server = MaildropServer.start(true);
        server.add("shared", Reliability.message(1, 500));
        server.add("shared", Reliability.message(2, 600));
        server.add("shared", Reliability.message(3, 700));
        AtomicInteger attempts = new AtomicInteger();
        String uri = Reliability.uri(server.port(), 50, "delete=" + delete);
        start("", new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").process(e -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("the first attempt fails");
                    }
                    count(e);
                });
            }
        });
        await("all delivered").atMost(TIMEOUT).until(() -> deliveries(1) == 1 && deliveries(2) == 1 && deliveries(3) == 1);
        if (delete) {
            await("all deleted").atMost(TIMEOUT).until(() -> server.size() == 0);
        } else {
            int sessions = server.sessions();
            await("two more polls").atMost(TIMEOUT).until(() -> server.sessions() > sessions + 2);
            assertEquals(3, server.size(), "keep mode keeps them");
        }
        assertEquals(3, delivered.values().stream().mapToInt(AtomicInteger::get).sum(), delivered.toString());
    }

    @Test
    void keepModeWithTheDefaultRepositoryDeliversOnceAcrossRouteRestarts() throws Exception {
        server = MaildropServer.start(false);
        server.add(Reliability.message(1, 500));
        context = Reliability.startContext(Map.of(), counting(Reliability.uri(server.port(), 50, "delete=false")));
        await("delivered").atMost(TIMEOUT).until(() -> deliveries(1) == 1);
        context.getRouteController().stopRoute("pop3");
        context.getRouteController().startRoute("pop3");
        int sessions = server.sessions();
        await("polls after the route restart").atMost(TIMEOUT).until(() -> server.sessions() > sessions + 2);
        assertEquals(1, deliveries(1), "kept, and delivered once");
        assertEquals(1, server.size());
    }

    @Test
    void anUnwritableSpoolDirectoryFailsTheLargeMessageOnly() throws Exception {
        server = MaildropServer.start(true);
        server.add(Reliability.message(1, 500));
        server.add(Reliability.message(2, 400_000));
        server.add(Reliability.message(3, 500));
        // a regular file where the spool directory's parent should be: no spool file can be created, even as root
        Path blocked = Files.writeString(temp.resolve("not-a-directory"), "x");
        String uri = Reliability.uri(server.port(), 50);
        context = Reliability.startContext(Map.of(), counting(uri), blocked.resolve("spool"));
        await("the small messages delivered").atMost(TIMEOUT).until(() -> deliveries(1) == 1 && deliveries(3) == 1);
        int commits = server.commits();
        await("polls go on and end with QUIT").atMost(TIMEOUT).until(() -> server.commits() > commits + 1);
        assertEquals(0, deliveries(2));
        assertEquals(1, server.size(), "the large message stays on the server");
        Leftovers.assertNoneLeftAfterStop(context, "pop3", blocked.resolve("spool"));
    }

    @Test
    void copiesOfTheExchangeReadTheBodyAfterTheOriginalCompletedAndNoSpoolFileIsLeft() throws Exception {
        server = MaildropServer.start(true);
        byte[] large = Reliability.message(1, 300_000);
        server.add(large);
        server.add(Reliability.message(2, 300_000));
        Path spool = temp.resolve("spool");
        List<String> reads = new CopyOnWriteArrayList<>();
        CountDownLatch originalsDone = new CountDownLatch(2);
        String uri = Reliability.uri(server.port(), 50);
        context = Reliability.startContext(Map.of(), new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3")
                        .onCompletion().process(e -> reads.add("onCompletion " + length(e))).end()
                        .wireTap("seda:tap")
                        .multicast().parallelProcessing().to("direct:parallel1", "direct:parallel2").end()
                        .aggregate(constant(true)).completionFromBatchConsumer()
                        .aggregationStrategy((old, next) -> {
                            List<byte[]> bodies = old == null ? new ArrayList<>() : old.getIn().getBody(List.class);
                            bodies.add(next.getIn().getBody(byte[].class));
                            next.getIn().setBody(bodies);
                            return next;
                        })
                        .to("seda:aggregated").end()
                        .process(e -> originalsDone.countDown());
                from("seda:tap").process(e -> {
                    assertTrue(originalsDone.await(20, TimeUnit.SECONDS));
                    reads.add("tap " + length(e));
                });
                for (String branch : List.of("parallel1", "parallel2")) {
                    from("direct:" + branch).process(e -> reads.add(branch + " " + length(e)));
                }
                from("seda:aggregated").process(e -> {
                    assertTrue(originalsDone.await(20, TimeUnit.SECONDS));
                    reads.add("aggregated " + e.getIn().getBody(List.class).size());
                });
            }
        }, spool);
        await("every copy read its body").atMost(TIMEOUT).until(() -> reads.size() == 9);
        List<String> sorted = new ArrayList<>(reads);
        Collections.sort(sorted);
        assertTrue(sorted.stream().noneMatch(read -> read.endsWith(" 0")), sorted.toString());
        assertTrue(sorted.contains("aggregated 2"), sorted.toString());
        assertTrue(sorted.contains("tap " + large.length), sorted.toString());
        await("maildrop drained").atMost(TIMEOUT).until(() -> server.size() == 0);
        Leftovers.assertNoneLeftAfterStop(context, "pop3", spool);
    }

    private static int length(Exchange exchange) {
        byte[] body = exchange.getIn().getBody(byte[].class);
        return body == null ? 0 : body.length;
    }

    @Test
    void aStopThatInterruptsTheRouteSettlesTheSuccessAndTheNextConsumerDoesNotRouteItAgain() throws Exception {
        server = MaildropServer.start(false);
        server.add(Reliability.message(1, 500));
        server.add(Reliability.message(2, 500));
        Path seen = temp.resolve("seen.dat");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> pollThread = new AtomicReference<>();
        String uri = Reliability.uri(server.port(), 50, "idempotentRepository=#seen");
        context = Reliability.startContext(Map.of("seen", FileIdempotentRepository.fileIdempotentRepository(seen.toFile(), 100)),
                new RouteBuilder() {
                    @Override
                    public void configure() {
                        from(uri).routeId("pop3").process(e -> {
                            pollThread.set(Thread.currentThread());
                            entered.countDown();
                            boolean interrupted = false;
                            while (true) {
                                try {
                                    release.await();
                                    break;
                                } catch (InterruptedException ie) {
                                    interrupted = true;
                                }
                            }
                            if (interrupted) {
                                Thread.currentThread().interrupt();
                            }
                            count(e);
                        });
                    }
                });
        assertTrue(entered.await(20, TimeUnit.SECONDS));
        // as camel-master does when leadership is lost: the consumer is stopped directly, its poll thread interrupted
        Thread stopper = new Thread(() -> {
            try {
                context.getRoute("pop3").getConsumer().stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        stopper.start();
        pollThread.get().interrupt();
        release.countDown();
        stopper.join(20_000);
        await("the poll ended").atMost(TIMEOUT).until(() -> !server.isLocked());
        assertEquals(1, deliveries(1));
        context.stop();

        // the next leader, with the same repository
        context = Reliability.startContext(Map.of("seen", FileIdempotentRepository.fileIdempotentRepository(seen.toFile(), 100)),
                counting(uri));
        await("drained, with " + server.uids() + " on the server").atMost(TIMEOUT)
                .until(() -> server.size() == 0 && deliveries(2) == 1);
        assertEquals(1, deliveries(1), "the message routed before the stop is not routed again");
    }

    @Test
    void pollEnrichAndReceiveAreRefusedWithAClearMessage() throws Exception {
        server = MaildropServer.start(false);
        server.add(Reliability.message(1, 500));
        context = Reliability.startContext(Map.of(), new RouteBuilder() {
            @Override
            public void configure() {
            }
        });
        Exception refused = assertThrows(Exception.class,
                () -> context.createConsumerTemplate().receive(Reliability.uri(server.port(), 50), 100));
        Throwable cause = refused;
        while (cause.getCause() != null && !(cause instanceof UnsupportedOperationException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("pollEnrich or ConsumerTemplate.receive"), cause.getMessage());
        assertEquals(1, server.size());
    }

    @Test
    void concurrentPollsAreRefusedAtStart() throws Exception {
        server = MaildropServer.start(false);
        Exception refused = assertThrows(Exception.class, () -> context = Reliability.startContext(Map.of(),
                counting(Reliability.uri(server.port(), 50, "scheduler.concurrentConsumers=2"))));
        Throwable cause = refused;
        while (cause.getCause() != null && !cause.getMessage().contains("concurrentConsumers")) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("scheduler.concurrentConsumers=2 is not supported"), cause.getMessage());
    }

    @Test
    void batchPropertiesCountTheExchangesCreated() throws Exception {
        server = MaildropServer.start(true);
        server.add("x", Reliability.message(1, 500));
        byte[] twin = Reliability.message(2, 500);
        // byte-identical copies under one UIDL count as one message: the third creates no Exchange
        server.add("twin", twin);
        server.add("twin", twin);
        List<String> batch = new CopyOnWriteArrayList<>();
        String uri = Reliability.uri(server.port(), 50);
        context = Reliability.startContext(Map.of(), new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").process(e -> batch.add(e.getProperty(ExchangePropertyKey.BATCH_INDEX) + "/"
                                                                + e.getProperty(ExchangePropertyKey.BATCH_SIZE) + "/"
                                                                + e.getProperty(ExchangePropertyKey.BATCH_COMPLETE)));
            }
        });
        await("drained").atMost(TIMEOUT).until(() -> server.size() == 0);
        // the batch is downloaded before it is routed: the second twin meets its sibling's claim, so the batch
        // is two Exchanges and both know it; the next poll deletes the twin as routed
        assertEquals(List.of("0/2/false", "1/2/true"), batch);
    }
}
