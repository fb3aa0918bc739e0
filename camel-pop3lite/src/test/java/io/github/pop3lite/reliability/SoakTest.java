package io.github.pop3lite.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.github.pop3lite.client.SmallHeap;
import io.github.pop3lite.component.Pop3LiteConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 20,000 small messages through one consumer (the server announces PIPELINING), fed in batches of
 * 1,000 while it runs, so that the maildrop stays small and what grows can only be the consumer. The
 * heap in use after a full collection is sampled every 2,500 messages: from the sample at 5,000
 * (everything warmed up) to the last, it must not grow (less than 8 MB is asserted): the default
 * idempotent repository forgets the keys of deleted messages, so neither it nor the consumer keeps
 * anything per message drained.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoakTest {

    private static final int MESSAGES = 20_000;
    private static final int BATCH = 1_000;
    private static final int SAMPLE_EVERY = 2_500;
    private static final int BASELINE_AT = 5_000;
    /** Nothing should grow; this only leaves room for the collector's noise. */
    private static final long MAX_GROWTH = 8L * 1024 * 1024;
    private static final String RESULTS = "soak";

    private MaildropServer server;
    private CamelContext context;

    @AfterEach
    void stop() throws Exception {
        Reliability.stop(context, server);
    }

    @BeforeAll
    static void freshResults() {
        Reliability.reset(RESULTS);
    }

    @Test
    void twentyThousandMessagesThroughOneConsumerWithoutHeapGrowth() throws Exception {
        String repository = "default";
        server = MaildropServer.start(true);
        // deliveries per message, by the number in its uid (m1 .. m20000): no per-message objects on our side
        AtomicIntegerArray deliveries = new AtomicIntegerArray(MESSAGES + 1);
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger wrongSize = new AtomicInteger();
        String uri = Reliability.uri(server.port(), 10);
        Map<String, Object> beans = Map.of();
        long heapAtStart = SmallHeap.usedHeapAfterGc();
        long started = System.nanoTime();
        context = Reliability.startContext(beans, new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").process(exchange -> {
                    String uid = exchange.getIn().getHeader(Pop3LiteConstants.UID, String.class);
                    long size = exchange.getIn().getHeader(Pop3LiteConstants.SIZE, Long.class);
                    if (exchange.getIn().getBody(byte[].class).length != size) {
                        wrongSize.incrementAndGet();
                    }
                    deliveries.incrementAndGet(Integer.parseInt(uid.substring(1)));
                    delivered.incrementAndGet();
                });
            }
        });

        List<String> samples = new ArrayList<>();
        long baseline = -1;
        long last = -1;
        int fed = 0;
        while (fed < MESSAGES) {
            for (int i = 0; i < BATCH; i++) {
                fed++;
                server.add(Reliability.message(fed, 200 + fed % 400));
            }
            int target = fed;
            await("delivered " + target).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> delivered.get() >= target);
            if (fed % SAMPLE_EVERY == 0) {
                last = SmallHeap.usedHeapAfterGc();
                samples.add(fed + ": " + (last >> 20) + " MB");
                if (fed == BASELINE_AT) {
                    baseline = last;
                }
            }
        }
        await("maildrop drained").atMost(Duration.ofSeconds(30)).until(() -> server.size() == 0);
        long millis = (System.nanoTime() - started) / 1_000_000;
        context.stop();

        int duplicates = 0;
        int missing = 0;
        for (int i = 1; i <= MESSAGES; i++) {
            duplicates += deliveries.get(i) > 1 ? 1 : 0;
            missing += deliveries.get(i) == 0 ? 1 : 0;
        }
        Reliability.record(RESULTS, String.join("\t", repository + " repository", "messages=" + MESSAGES, "ms=" + millis,
                String.format("msg/s=%.0f", MESSAGES * 1000.0 / millis), "sessions=" + server.sessions(),
                "heap after GC at start=" + (heapAtStart >> 20) + " MB", "samples (messages: heap after GC)=" + samples,
                "growth from " + BASELINE_AT + " to " + MESSAGES + "=" + ((last - baseline) >> 10) + " KiB",
                "max heap=" + Reliability.maxHeapMb() + " MB", "duplicates=" + duplicates, "missing=" + missing));

        assertEquals(0, missing, "lost");
        assertEquals(0, duplicates, "delivered more than once");
        assertEquals(MESSAGES, delivered.get());
        assertEquals(0, wrongSize.get(), "bodies as long as the server said");
        assertTrue(last - baseline < MAX_GROWTH, "heap after GC grew from " + (baseline >> 20) + " MB at "
                                                 + BASELINE_AT + " messages to " + (last >> 20) + " MB at " + MESSAGES
                                                 + ": " + samples);
    }
}
