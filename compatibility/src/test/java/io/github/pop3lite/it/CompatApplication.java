package io.github.pop3lite.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * A camel-main application as a user of the Camel line under test writes it: the pop3lite jar and
 * camel-main on the classpath, the login in {@code camel.component.pop3lite.*} properties, one route.
 * Idle polls send an empty Exchange, so a test can wait for polls that found nothing new.
 */
final class CompatApplication implements AutoCloseable {

    final List<String> routed = new CopyOnWriteArrayList<>();
    final AtomicInteger idlePolls = new AtomicInteger();
    private final Main main = new Main();

    CompatApplication(String host, int port, String options, Map<String, String> properties) throws Exception {
        properties.forEach(main::addInitialProperty);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3lite:" + host + ":" + port + "?initialDelay=0&delay=100&sendEmptyMessageWhenIdle=true&" + options)
                        .routeId("drain")
                        .process(e -> {
                            String subject = e.getMessage().getHeader("Subject", String.class);
                            if (subject == null) {
                                idlePolls.incrementAndGet();
                            } else {
                                routed.add(subject + "|" + e.getMessage().getBody(String.class).contains("body of " + subject));
                            }
                        });
            }
        });
        main.start();
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
