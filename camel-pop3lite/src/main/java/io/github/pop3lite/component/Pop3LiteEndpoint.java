package io.github.pop3lite.component;

import io.github.pop3lite.client.AuthenticationMethod;
import io.github.pop3lite.client.PipeliningMemory;
import io.github.pop3lite.client.Pop3Client;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.PollingConsumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.ScheduledPollEndpoint;

/**
 * Consume mail from a POP3 maildrop, one message per Exchange, deleted only after its route succeeded.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pop3lite", title = "POP3 Lite", syntax = "pop3lite:host:port",
             consumerOnly = true, category = { Category.MAIL }, headersClass = Pop3LiteConstants.class)
public class Pop3LiteEndpoint extends ScheduledPollEndpoint {

    /** A mailbox is polled far less often than Camel's default 500 ms, as camel-mail does. */
    static final long DEFAULT_DELAY = 60_000L;

    @UriParam(defaultValue = "60000", javaType = "java.time.Duration", label = "consumer,scheduler",
              description = "Milliseconds before the next poll.")
    private long delay = DEFAULT_DELAY;

    @UriParam
    private Pop3LiteConfiguration configuration;
    private DeliveryLedger ledger;
    /** The pipelining probe's verdict on the server, kept across polls and route restarts. */
    private final PipeliningMemory pipeliningMemory = new PipeliningMemory();

    public Pop3LiteEndpoint(String uri, Pop3LiteComponent component, Pop3LiteConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
        setDelay(DEFAULT_DELAY);
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("pop3lite can only consume mail; send mail with the smtp component");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Pop3LiteConsumer consumer = new Pop3LiteConsumer(this, processor);
        consumer.setMaxMessagesPerPoll(configuration.getMaxMessagesPerPoll());
        configureConsumer(consumer);
        return consumer;
    }

    /**
     * pollEnrich and ConsumerTemplate.receive would get a consumer whose Exchanges complete when they are handed
     * over, so a message would be deleted before the receiving Exchange finished with it: refused instead.
     */
    @Override
    public PollingConsumer createPollingConsumer() {
        throw new UnsupportedOperationException("pop3lite cannot serve pollEnrich or ConsumerTemplate.receive: it"
                                                + " deletes a message only after its Exchange completed, and a polling"
                                                + " consumer hands the Exchange over before that. Use"
                                                + " from(\"" + getEndpointUri() + "\") in a route instead");
    }

    /**
     * The delivery ledger of this endpoint's mailbox. It lives here, not in the consumer, because Camel makes a
     * new consumer each time the route starts, and it keeps what failed for the ordering under
     * maxMessagesPerPoll. Without an idempotentRepository option its repository is the mailbox's default one of
     * the JVM, which outlives this endpoint too (a CamelContext restart makes new endpoints).
     */
    synchronized DeliveryLedger ledger() {
        if (ledger == null) {
            IdempotentRepository repository = configuration.getIdempotentRepository();
            if (repository == null) {
                repository = InMemoryKeyListingRepository.of(configuration.mailboxId());
            }
            ledger = new DeliveryLedger(repository, configuration.mailboxId(), configuration.isDelete());
        }
        return ledger;
    }

    /**
     * Loads what the first poll of a JVM would otherwise wait for (docs/performance.md, "The first poll of a fresh
     * JVM"): the digest each message is hashed with, what the login takes from the JDK, and the mail header parser.
     */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Pop3LiteConsumer.sha256();
        AuthenticationMethod method;
        try {
            method = configuration.authenticationMethod();
        } catch (IllegalArgumentException e) {
            // a wrong option: the consumer's start reports it
            return;
        }
        Pop3Client.prepareLogin(method);
        if (configuration.isMapMailHeaders()) {
            MailHeaders.prepare(configuration.headerFilter());
        }
    }

    PipeliningMemory pipeliningMemory() {
        return pipeliningMemory;
    }

    public Pop3LiteConfiguration getConfiguration() {
        return configuration;
    }

    /** The endpoint's options. */
    public void setConfiguration(Pop3LiteConfiguration configuration) {
        this.configuration = configuration;
    }

    /** Milliseconds before the next poll. */
    @Override
    public void setDelay(long delay) {
        super.setDelay(delay);
        this.delay = delay;
    }
}
