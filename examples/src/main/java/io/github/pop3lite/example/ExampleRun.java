package io.github.pop3lite.example;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.pop3lite.component.Pop3LiteEndpoint;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.MainSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The example's life around Camel Main: before the routes are built it starts the embedded servers that are not
 * replaced by configuration and binds the beans the routes use; once Camel has started it waits until the maildrop
 * is drained, prints the summary and ends Camel Main.
 */
final class ExampleRun extends MainListenerSupport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExampleRun.class);

    private final PrintStream out;
    private final Arrivals arrivals = new Arrivals();
    private final DrainWatch drainWatch = new DrainWatch();

    private EmbeddedMailServer mailServer;
    private EmbeddedBroker broker;
    private CachingConnectionFactory connectionFactory;

    private boolean keepRunning;
    private Duration timeout;
    private List<String> queues;
    private String deadLetterQueue;
    private String attachmentsQueue;
    private String mailbox;
    private String brokerName;
    /** How many sample messages the embedded server holds; -1 with a real POP3 server. */
    private int seeded = -1;
    private volatile Outcome outcome;

    ExampleRun(PrintStream out) {
        // the summary has non-ASCII subjects; written as UTF-8 whatever the JVM's default charset
        this.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        keepRunning = Boolean.parseBoolean(value(properties, "example.keep-running").orElse("false"));
        String seconds = value(properties, "example.timeout-seconds").orElse("60");
        try {
            timeout = Duration.ofSeconds(Long.parseLong(seconds));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("example.timeout-seconds must be a number of seconds, was '" + seconds + "'");
        }
        deadLetterQueue = required(properties, "queue.dead-letter");
        attachmentsQueue = required(properties, "queue.attachments");
        queues = List.of(required(properties, "queue.invoices"), required(properties, "queue.inbox"), deadLetterQueue);
        try {
            if (value(properties, "pop3.host").isEmpty()) {
                mailServer = EmbeddedMailServer.start();
                seeded = mailServer.seed();
                // override properties win over every other source, so the routes read the embedded server's
                properties.addOverrideProperty("pop3.host", EmbeddedMailServer.HOST);
                properties.addOverrideProperty("pop3.port", String.valueOf(mailServer.port()));
                properties.addOverrideProperty("pop3.username", EmbeddedMailServer.USERNAME);
                properties.addOverrideProperty("pop3.password", EmbeddedMailServer.PASSWORD);
                properties.addOverrideProperty("pop3.security", "none");
                LOG.info("No pop3.host set: started an embedded POP3 server (GreenMail) on {}:{} holding {} sample"
                         + " messages for user '{}'", EmbeddedMailServer.HOST, mailServer.port(), seeded,
                        EmbeddedMailServer.USERNAME);
            }
            required(properties, "pop3.password");
            mailbox = required(properties, "pop3.username") + "@" + required(properties, "pop3.host") + ":"
                      + required(properties, "pop3.port") + (mailServer != null ? " (embedded GreenMail)" : "");

            Optional<String> brokerUrl = value(properties, "broker.url");
            String url;
            if (brokerUrl.isEmpty()) {
                broker = EmbeddedBroker.start();
                url = EmbeddedBroker.URL;
                brokerName = "embedded Artemis, " + url;
                LOG.info("No broker.url set: started an embedded Artemis broker ({}, nothing persisted)", url);
            } else {
                url = brokerUrl.get();
                brokerName = url;
            }
            ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url,
                    value(properties, "broker.username").orElse(null), value(properties, "broker.password").orElse(null));
            // one shared connection with cached sessions and producers, instead of a connection per message sent
            connectionFactory = new CachingConnectionFactory(artemis);
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
        // the jms component picks up the only ConnectionFactory in the registry by itself
        context.getRegistry().bind("connectionFactory", connectionFactory);
        // the queue-reading routes call this bean
        context.getRegistry().bind("arrivals", arrivals);
        // every pop3lite endpoint reports the end of each poll to the drain watch
        context.getCamelContextExtension().registerEndpointCallback((uri, endpoint) -> {
            if (endpoint instanceof Pop3LiteEndpoint pop3lite) {
                pop3lite.setPollStrategy(drainWatch);
            }
            return endpoint;
        });
        // and so does every mail whose Exchange failed, dead letter channel and all
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeFailedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                Exchange exchange = ((CamelEvent.ExchangeFailedEvent) event).getExchange();
                if (exchange.getFromEndpoint() instanceof Pop3LiteEndpoint) {
                    drainWatch.messageFailed(exchange.getException());
                }
            }
        });
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        if (keepRunning) {
            LOG.info("Polling {} until stopped (Ctrl+C); example.keep-running is true", mailbox);
            return;
        }
        Thread watcher = new Thread(() -> {
            Outcome result = awaitDrained();
            outcome = result;
            printSummary(result, result.arrivals().isEmpty()
                    ? "The maildrop was empty."
                    : "Drained: every message routed from the maildrop is on a queue.");
            if (main instanceof MainSupport mainSupport) {
                mainSupport.completed();
            }
        }, "pop3lite-example-drain-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (outcome == null) {
            // keep-running mode, or stopped (Ctrl+C) before the drain ended
            outcome = Outcome.success(arrivals);
            printSummary(outcome, "Stopped.");
        }
    }

    /** Waits until the first poll has ended and every message it routed has arrived on a queue. */
    private Outcome awaitDrained() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Exception failure = drainWatch.failure();
            if (failure != null) {
                return Outcome.failure("the poll of " + mailbox + " failed: " + failure.getMessage(), arrivals);
            }
            int polls = drainWatch.polls();
            int routed = drainWatch.routed();
            int arrived = arrivals.count();
            int failed = drainWatch.failedMessages();
            if (polls > 0 && failed > 0) {
                Exception cause = drainWatch.firstMessageFailure();
                return Outcome.failure(failed + (failed == 1 ? " message" : " messages") + " failed in the route, and"
                                       + " even their dead letter could not be sent, so they stay on the POP3 server;"
                                       + " the first failed with: " + (cause != null ? cause.getMessage() : "?"),
                        arrivals);
            }
            if (polls > 0 && arrived >= routed && arrived >= seeded && arrivals.allAttachmentsArrived()) {
                return Outcome.success(arrivals);
            }
            if (System.nanoTime() - deadline > 0) {
                String progress;
                if (polls == 0) {
                    progress = "no poll of " + mailbox + " has ended yet";
                } else if (seeded >= 0) {
                    progress = arrived + " of the " + seeded + " sample messages arrived on a queue, " + routed
                               + " were routed from the maildrop";
                } else {
                    progress = arrived + " of the " + routed + " messages routed from the maildrop arrived on a queue";
                }
                return Outcome.failure("gave up after " + timeout.toSeconds() + " s (example.timeout-seconds): "
                                       + progress + "; the log above may say why", arrivals);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.failure("interrupted while waiting for the drain", arrivals);
            }
        }
    }

    Outcome outcome() {
        return outcome != null ? outcome : Outcome.failure("the example ended before its first poll", arrivals);
    }

    /** Ends a run whose Camel did not start. */
    Outcome startFailed(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        outcome = Outcome.failure("Camel did not start: " + cause.getMessage(), arrivals);
        out.println(System.lineSeparator() + "pop3lite example FAILED: " + outcome.problem());
        return outcome;
    }

    private void printSummary(Outcome result, String success) {
        List<Arrivals.Arrival> list = result.arrivals();
        StringBuilder text = new StringBuilder();
        text.append(System.lineSeparator())
                .append("pop3lite example: ").append(list.size()).append(list.size() == 1 ? " message" : " messages")
                .append(" from ").append(mailbox).append(" arrived on queues (").append(brokerName).append(')')
                .append(System.lineSeparator())
                .append(Arrivals.summary(list, queues, deadLetterQueue))
                .append(Arrivals.attachmentSummary(result.attachments(), attachmentsQueue));
        if (result.exitCode() == 0) {
            text.append(success);
        } else {
            text.append("FAILED: ").append(result.problem());
        }
        out.println(text);
    }

    @Override
    public void close() throws Exception {
        try {
            if (connectionFactory != null) {
                connectionFactory.destroy();
            }
            if (broker != null) {
                broker.close();
            }
        } finally {
            // the Artemis client's thread pools are static and keep their threads for a minute: end them, so that
            // the JVM (or exec:java, which waits for them) can end now
            ActiveMQClient.clearThreadPools();
            if (mailServer != null) {
                mailServer.close();
            }
        }
    }

    private static Optional<String> value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static String required(PropertiesComponent properties, String key) {
        return value(properties, key).orElseThrow(() -> new IllegalArgumentException("the property " + key
                + " has no value; set it in application.properties, as an environment variable or with -D" + key + "=..."));
    }
}
