package io.github.pop3lite.component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * The pop3lite consumers of one CamelContext that another consumer started rather than a route: camel-master's
 * {@code MasterConsumer} starts one when its node becomes the leader. When the context stops, that outer
 * consumer stops the route's processors before it stops the pop3lite consumer, so the Exchange in flight would
 * be failed by its stopping error handler after its route ran, its claim released, and the next leader would
 * route it again. So at the start of the context's stop, before any route is touched, these consumers finish
 * the message they are routing and end their poll with QUIT: first all of them are told to take no further
 * message, then each poll is awaited, so that the wait is that of the slowest poll, not their sum.
 */
final class DelegatedConsumers extends LifecycleStrategySupport {

    private final Set<Pop3LiteConsumer> consumers = ConcurrentHashMap.newKeySet();

    void add(Pop3LiteConsumer consumer) {
        consumers.add(consumer);
    }

    void remove(Pop3LiteConsumer consumer) {
        consumers.remove(consumer);
    }

    @Override
    public void onContextStopping(CamelContext context) {
        Set<Pop3LiteConsumer> stopping = Set.copyOf(consumers);
        stopping.forEach(Pop3LiteConsumer::takeNoMoreMessages);
        long timeout = context.getShutdownStrategy().getTimeUnit().toNanos(context.getShutdownStrategy().getTimeout());
        long deadline = System.nanoTime() + timeout;
        for (Pop3LiteConsumer consumer : stopping) {
            if (!consumer.awaitPollEnd(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }
}
