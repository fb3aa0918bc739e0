package io.github.pop3lite.component;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping the route while a message is in flight: that message finishes and its deletion is committed. */
class Pop3LiteShutdownTest extends GreenMailTestSupport {

    @Test
    void inFlightMessageFinishesAndIsDeletedTheRestStay() throws Exception {
        deliverSubjects("in flight", "second", "third");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("")).routeId("pop3")
                        .process(e -> {
                            entered.countDown();
                            assertTrue(release.await(20, TimeUnit.SECONDS), "released");
                        })
                        .to("mock:out");
            }
        });
        assertTrue(entered.await(15, TimeUnit.SECONDS));
        Pop3LiteConsumer consumer = consumer("pop3");

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                context.getRouteController().stopRoute("pop3");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("the consumer is told to finish its current message only").atMost(TIMEOUT)
                .until(() -> !consumer.isBatchAllowed());
        release.countDown();
        stopped.get(30, TimeUnit.SECONDS);

        // no waiting here: when stopRoute returns, QUIT has committed the deletion
        assertEquals(List.of("second", "third"), subjectsOnServer());
        assertEquals(List.of("in flight"), routedSubjects());
        assertEquals(List.of(1), polls.routedCounts());
    }
}
