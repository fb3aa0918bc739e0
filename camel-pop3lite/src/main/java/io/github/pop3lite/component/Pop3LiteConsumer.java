package io.github.pop3lite.component;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLContext;

import io.github.pop3lite.client.MessageUidList;
import io.github.pop3lite.client.PipelinedReply;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;
import io.github.pop3lite.client.Pop3MessageTooLargeException;
import io.github.pop3lite.client.Pop3ReplyException;
import io.github.pop3lite.client.Pop3TemporaryFailureException;
import io.github.pop3lite.component.DeliveryLedger.Action;
import io.github.pop3lite.component.DeliveryLedger.Listed;
import io.github.pop3lite.component.DeliveryLedger.Step;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.apache.camel.spi.ScheduledPollConsumerScheduler;
import org.apache.camel.support.DefaultScheduledPollConsumerScheduler;
import org.apache.camel.support.LoggingExceptionHandler;
import org.apache.camel.support.ScheduledBatchPollingConsumer;
import org.apache.camel.support.UnitOfWorkHelper;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 session per poll: list the maildrop, plan the poll with the {@link DeliveryLedger}, then batch by
 * batch fetch the messages, and route and settle each, one at a time in maildrop order; then commit with QUIT. A
 * message is deleted only after its Exchange succeeded.
 */
public class Pop3LiteConsumer extends ScheduledBatchPollingConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3LiteConsumer.class);

    /**
     * The most messages, and octets by their LIST sizes, of one batch: downloaded (their RETRs pipelined when
     * the server allows) before the batch is routed. Large enough that the round trips between batches cost
     * little (on loopback 64 messages and 1 MiB left the server idle between batches), small enough that a
     * batch held in memory stays a few MiB and a stop has at most two batches to read past before QUIT (the
     * rest of the one downloading and the next, requested with it). One message is always allowed, whatever
     * its size.
     */
    static final int PIPELINE_MESSAGES = 256;
    static final long PIPELINE_OCTETS = 4 * 1024 * 1024;

    private static final int BUFFER = 64 * 1024;

    private final Pop3LiteConfiguration config;
    private DeliveryLedger ledger;
    private SSLContext sslContext;
    private PollFailureLogger failureLogger;
    /** mapMessage=text and attachments=true; null when the body stays the raw message alone. */
    private MailContentMapper contentMapper;
    /** Held while a poll runs, so that a stop can let it settle its Exchange, send its DELEs and QUIT first. */
    private final ReentrantLock polling = new ReentrantLock();
    /** Set when the context starts to stop a consumer that another consumer started: see {@link DelegatedConsumers}. */
    private volatile boolean noMoreMessages;
    /** Backs logins off after a refusal and keeps the server's LOGIN-DELAY. */
    private LoginPolicy loginPolicy;
    /**
     * The largest message downloaded when the context's stream caching does not spool (each message is then held
     * in memory whole); 0 when it spools. Stream caching stays the context's to configure: the consumer never spools
     * behind the user's back, as a temp directory of its own fails on read-only file systems.
     */
    private long inMemoryLimit;
    /** Listing parts of messages over maxMessageSize, reported once and skipped while they stay on the server. */
    private final Set<String> tooLarge = new HashSet<>();

    /** A DELE to send, and the key to name should the server refuse it. */
    record Deletion(int number, String key) {
    }

    /** A message downloaded and claimed, with its Exchange ready to route and the SHA-256 of its content. */
    record Fetched(Step step, Exchange exchange, byte[] sha256) {
    }

    /** Skips, from now on, a message whose data went past the size LIST announced for it. */
    private void reportOversent(Listed item, Pop3MessageTooLargeException e) {
        if (tooLarge.add(item.part())) {
            LOG.warn("Message {} (uid {}) on POP3 server {}: the server sent more than {} octets of it although LIST"
                     + " announced {}. The download was cut, and the message stays on the server and is skipped from"
                     + " now on; report it to the server's administrator.", item.number(), item.uid(), server(),
                    e.limit(), e.announced());
        }
    }

    /**
     * A quarter of the heap: room for the message, the copy a route may make of it (a String or byte[] body) and
     * the rest of the application; with a batch of small messages, at most {@link #PIPELINE_OCTETS} besides.
     */
    static long inMemoryLimit(boolean spooling, long maxHeap) {
        return spooling ? 0 : maxHeap / 4;
    }

    /** Reports a message too large to hold in memory once, and skips it from now on while it stays on the server. */
    private void reportTooLargeForMemory(Listed message) {
        if (tooLarge.add(message.part())) {
            LOG.warn("Message {} (uid {}) on POP3 server {} has {} octets, more than the {} (a quarter of the heap) that"
                     + " the consumer holds in memory when stream caching does not spool to disk: it is not downloaded"
                     + " and stays on the server. Enable spooling (camel.main.streamCachingSpoolEnabled=true, or the"
                     + " context's StreamCachingStrategy) or give the JVM a larger heap (-Xmx).", message.number(),
                    message.uid(), server(), message.size(), inMemoryLimit);
        }
    }

    public Pop3LiteConsumer(Pop3LiteEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.config = endpoint.getConfiguration();
    }

    @Override
    public Pop3LiteEndpoint getEndpoint() {
        return (Pop3LiteEndpoint) super.getEndpoint();
    }

    private String server() {
        return config.server();
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (config.getUsername() == null || config.getUsername().isEmpty()) {
            throw new IllegalArgumentException("pop3lite: the username option is required, for example"
                                               + " pop3lite:" + config.getHost() + "?username=alice&password=RAW(secret)");
        }
        // validate the choices now, so that a typo fails the route's start rather than every poll
        config.authenticationMethod();
        config.securityMode();
        config.saslInitialResponseMode();
        LoginPolicy.validate(config);
        CredentialsCheck.check(config);
        if (getExceptionHandler() instanceof LoggingExceptionHandler) {
            failureLogger = new PollFailureLogger(getExceptionHandler(),
                    "pop3lite consumer of " + config.getUsername() + "@" + server());
            setExceptionHandler(failureLogger);
        }
    }

    @Override
    protected void afterConfigureScheduler(ScheduledPollConsumerScheduler scheduler, boolean newScheduler) {
        super.afterConfigureScheduler(scheduler, newScheduler);
        if (scheduler instanceof DefaultScheduledPollConsumerScheduler defaults && defaults.getConcurrentConsumers() > 1) {
            throw new IllegalArgumentException("pop3lite: scheduler.concurrentConsumers=" + defaults.getConcurrentConsumers()
                                               + " is not supported: POP3 locks the maildrop for one session, so"
                                               + " polls of one mailbox run one at a time. Remove the option; to"
                                               + " process messages in parallel, hand them to threads() or seda"
                                               + " in the route");
        }
    }

    @Override
    protected void doStart() throws Exception {
        if (config.getSslContextParameters() != null) {
            sslContext = config.getSslContextParameters().createSSLContext(getEndpoint().getCamelContext());
        }
        ledger = getEndpoint().ledger();
        loginPolicy = new LoginPolicy(config, "pop3lite consumer of " + config.getUsername() + "@" + server(),
                server(), getEndpoint().getDelay(), System::nanoTime);
        if (config.textBody() || config.isAttachments()) {
            // only then: the mapper needs camel-attachments, which a route that keeps the raw message need not have
            contentMapper = MailContentMapper.of(config, getEndpoint().getCamelContext());
        }
        ServiceHelper.startService(ledger.repository());
        inMemoryLimit = inMemoryLimit(getEndpoint().getCamelContext().getStreamCachingStrategy().isSpoolEnabled(),
                Runtime.getRuntime().maxMemory());
        if (inMemoryLimit > 0) {
            LOG.info("pop3lite consumer of {}@{}: stream caching does not spool to disk in this CamelContext, so each"
                     + " message is held in memory whole, and a message over {} octets (a quarter of the heap) is not"
                     + " downloaded: it stays on the server. Enable spooling (camel.main.streamCachingSpoolEnabled=true,"
                     + " or the context's StreamCachingStrategy) to download messages of any size in bounded memory",
                    config.getUsername(), server(), inMemoryLimit);
        }
        noMoreMessages = false;
        super.doStart();
        if (getRoute() == null) {
            // started by another consumer (camel-master's), which would stop the route's processors before this
            ((Pop3LiteComponent) getEndpoint().getComponent()).delegatedConsumers().add(this);
        }
    }

    /**
     * Lets the poll in flight finish before the consumer stops: its Exchange completes and is settled, its
     * DELEs and QUIT go out. Stopping the consumer stops the route's processors, and Camel would then fail an
     * Exchange that is done with its last step, so that the next consumer (a new leader of master:) routed it
     * again; and the scheduler's stop interrupts the poll thread. No new message starts meanwhile, as the
     * consumer is already stopping. Waits at most the context's shutdown timeout. (camel-master stops the
     * route's processors before this consumer; {@link DelegatedConsumers} drains such a consumer first.)
     */
    @Override
    protected void doStop() throws Exception {
        if (getRoute() == null) {
            ((Pop3LiteComponent) getEndpoint().getComponent()).delegatedConsumers().remove(this);
        }
        long timeout = getEndpoint().getCamelContext().getShutdownStrategy().getTimeout();
        awaitPollEnd(timeout, getEndpoint().getCamelContext().getShutdownStrategy().getTimeUnit());
        super.doStop();
    }

    /** From now on no message is routed and no poll starts; the poll in flight settles its Exchange and quits. */
    void takeNoMoreMessages() {
        noMoreMessages = true;
    }

    /** Waits for the poll in flight, if any, to end; false (with a WARN) when it still runs after the timeout. */
    boolean awaitPollEnd(long timeout, TimeUnit unit) {
        try {
            if (polling.tryLock(timeout, unit)) {
                polling.unlock();
                return true;
            }
            LOG.warn("pop3lite consumer of {}@{}: a poll still runs after {} ms; stopping anyway, so an Exchange still in"
                     + " its route fails and its message is routed again later", config.getUsername(), server(),
                    unit.toMillis(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean isBatchAllowed() {
        return !noMoreMessages && super.isBatchAllowed();
    }

    @Override
    protected int poll() throws Exception {
        if (noMoreMessages) {
            return 0;
        }
        polling.lock();
        try {
            return pollSession();
        } finally {
            polling.unlock();
        }
    }

    private int pollSession() throws Exception {
        shutdownRunningTask = null;
        pendingExchanges = 0;
        if (!loginPolicy.loginDue()) {
            return 0;
        }
        try (Pop3Client client = openSession()) {
            // the keys stored before the listing: only those may be forgotten when it does not show them
            Set<String> before = ledger.keys();
            List<Step> plan = ledger.plan(list(client), before, getMaxMessagesPerPoll());
            Poll poll = new Poll(client, plan);
            try {
                int handled = poll.run();
                commit(client, poll.problems);
                return handled;
            } finally {
                if (poll.interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (Pop3TemporaryFailureException e) {
            throw new Pop3LiteException("POP3 server " + server() + " cannot serve the maildrop of '"
                                        + config.getUsername() + "' now: " + e.reply().line(), e);
        } catch (IOException e) {
            throw new Pop3LiteException("POP3 session as '" + config.getUsername() + "' with " + server()
                                        + " failed: " + e.getMessage(), e);
        }
    }

    /** Polls go through {@link #poll()}, which reads, routes and settles each message itself. */
    @Override
    public int processBatch(Queue<Object> exchanges) {
        throw new UnsupportedOperationException("pop3lite downloads and routes its batches in poll()");
    }

    /** The engine's options for a session of this endpoint; package-private so that tests can check the mapping. */
    Pop3ClientOptions clientOptions() {
        return Pop3ClientOptions.builder(config.getHost())
                .port(config.effectivePort())
                .security(config.securityMode())
                .connectTimeout(config.connectTimeoutDuration())
                .readTimeout(config.readTimeoutDuration())
                .minDataRate(config.getMinDataRate())
                .sslContext(sslContext)
                .hostnameVerification(config.isHostnameVerification())
                .authentication(config.authenticationMethod())
                .apopFallback(config.isApopFallback())
                .allowPlaintextPassword(config.isAllowPlaintextPassword())
                .saslInitialResponse(config.saslInitialResponseMode())
                .pipelining(config.pipeliningMode()).pipeliningMemory(getEndpoint().pipeliningMemory())
                .build();
    }

    private Pop3Client openSession() throws IOException, Pop3LiteException {
        Pop3Client client = Pop3Client.connect(clientOptions());
        try {
            loginPolicy.login(client);
            return client;
        } catch (IOException | Pop3LiteException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** LIST and UIDL, less the messages over maxMessageSize (reported once). */
    private List<Listed> list(Pop3Client client) throws IOException {
        Listing listing = new Listing(client.list(), uids(client));
        BitSet left = new BitSet();
        Set<String> listedTooLarge = new HashSet<>();
        for (int i = 0; i < listing.size(); i++) {
            boolean overLimit = config.getMaxMessageSize() > 0 && listing.octets(i) > config.getMaxMessageSize();
            if (!overLimit && tooLarge.isEmpty()) {
                // nothing to look up: no Listed is made for the message, in a listing of up to a million
                continue;
            }
            Listed listed = listing.get(i);
            if (overLimit || tooLarge.contains(listed.part())) {
                if (overLimit) {
                    reportTooLarge(listed, listed.size());
                }
                listedTooLarge.add(listed.part());
                left.set(i);
            }
        }
        // forget what left the server, so the set stays as small as the maildrop
        tooLarge.retainAll(listedTooLarge);
        return listing.without(left);
    }

    /** UIDL, or null when the server has none (messages are then recognised by their content). */
    private static MessageUidList uids(Pop3Client client) throws IOException {
        if (client.capabilities().isKnown() && !client.capabilities().has("UIDL")) {
            return null;
        }
        try {
            return client.uidl();
        } catch (Pop3ReplyException e) {
            if (e.responseCode() != null) {
                throw e;
            }
            LOG.debug("POP3 server refused UIDL ({}); messages are recognised by their content", e.reply().line());
            return null;
        }
    }

    /** Reports a message over maxMessageSize once, and skips it from now on while it stays on the server. */
    private void reportTooLarge(Listed message, long octets) {
        if (tooLarge.add(message.part())) {
            LOG.warn("Message {} (uid {}) on POP3 server {} has {} octets, more than maxMessageSize {}: it is not"
                     + " downloaded and stays on the server. Raise maxMessageSize or remove it from the mailbox.",
                    message.number(), message.uid(), server(), octets, config.getMaxMessageSize());
        }
    }

    /** QUIT commits the deletions; any refused DELE or QUIT fails the poll, so that it is seen. */
    private void commit(Pop3Client client, List<String> problems) throws IOException, Pop3LiteException {
        boolean committed = client.quit();
        loginPolicy.observe(client.lastCapabilities());
        if (!committed) {
            problems.add("the server refused QUIT, so the deletions of this poll were not committed; those messages"
                         + " stay on the server and are deleted, without being routed again, at a later poll");
        }
        if (!problems.isEmpty()) {
            throw new Pop3LiteException("POP3 server " + server() + ": " + String.join("; ", problems));
        }
        if (failureLogger != null) {
            failureLogger.pollSucceeded();
        }
    }

    /**
     * One poll's work on its session: the messages to fetch, the commands on their way and the buffer that
     * carries message data. The poll goes in batches; the whole batch is downloaded and claimed before its
     * first Exchange is routed, so that the batch properties describe exactly the Exchanges routed. When the
     * server pipelines (RFC 2449 PIPELINING, announced or passed the probe), commands go through a window sent
     * ahead of their replies, and the RETRs of the next batch go out as soon as those of the current batch
     * are sent, before it is downloaded and routed: the server answers them meanwhile, their replies wait in
     * the socket buffers until the current batch is routed, and the DELEs of the routed batch follow them. One
     * at a time otherwise: a batch's RETRs, then, once it is routed, its DELEs. Delivery stays one Exchange at
     * a time, and a DELE still follows its Exchange's success.
     */
    private final class Poll {

        private final Pop3Client client;
        private final List<Step> plan;
        /** The positions in the plan of the messages to fetch, in order, and how many of them were taken. */
        private final int[] toFetch;
        private int toFetchCount;
        private int taken;
        private final Deque<Deletion> toDelete = new ArrayDeque<>();
        private final Deque<Step> retrieving = new ArrayDeque<>();
        private final Map<Integer, String> deleting = new HashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final byte[] buffer = new byte[BUFFER];
        private final boolean pipelined;
        /** Holds each message that fits, until it becomes its body: see {@link MessageBody}. */
        private final byte[] staging = new byte[BUFFER];
        /** Reset for each message. */
        private final MessageDigest digest = sha256();
        private final int commands;
        /** How many of the RETRs in {@link #retrieving}, the last ones, are of the batch after the one downloading. */
        private int ahead;
        private int routed;
        /** Whether a stop interrupted the poll thread during a route: restored once the poll has settled and quit. */
        private boolean interrupted;

        Poll(Pop3Client client, List<Step> plan) throws IOException {
            this.client = client;
            this.plan = plan;
            this.toFetch = new int[plan.size()];
            for (int k = 0; k < plan.size(); k++) {
                Step step = plan.get(k);
                if (inMemoryLimit > 0 && step.message().size() > inMemoryLimit) {
                    reportTooLargeForMemory(step.message());
                    ledger.fetchFailed(step.message());
                } else {
                    toFetch[toFetchCount++] = k;
                }
            }
            pipelined = client.mayPipeline();
            // the RETRs of a batch and of the next, and the DELEs of the batch before: at most a batch of each
            commands = pipelined ? 3 * PIPELINE_MESSAGES : 1;
        }

        /**
         * Downloads and routes batch after batch until every planned message is handled or the consumer stops;
         * then sends the DELEs still due and reads every reply left. The DELEs of a routed batch go out with
         * the RETRs of the next (when pipelining, after those RETRs, which went out ahead).
         *
         * @return the number of Exchanges that succeeded: what Camel's greedy, idle and backoff options count
         */
        int run() throws IOException {
            Deque<Step> unsent = nextBatch();
            boolean more = !unsent.isEmpty();
            while (more && isBatchAllowed()) {
                int following = toFetchCount - taken;
                Deque<Step> next = nextBatch();
                // before the RETRs sent ahead take the steps out of the next batch
                more = !next.isEmpty();
                List<Fetched> batch = download(unsent, next);
                route(batch, following);
                unsent = next;
            }
            // every reply left: DELEs', and those of a batch requested ahead that a stop leaves unrouted, whose
            // messages are read past (or, should the consumer run again meanwhile, downloaded and given back)
            download(new ArrayDeque<>(), null).forEach(this::giveBack);
            pendingExchanges = 0;
            return routed;
        }

        /**
         * The messages of the next batch: the next ones to fetch, at most {@link #PIPELINE_MESSAGES} and
         * {@link #PIPELINE_OCTETS} by their LIST sizes, and at least one.
         */
        private Deque<Step> nextBatch() {
            Deque<Step> batch = new ArrayDeque<>();
            long octets = 0;
            while (taken < toFetchCount && batch.size() < PIPELINE_MESSAGES) {
                Step step = plan.get(toFetch[taken]);
                if (!batch.isEmpty() && octets + step.message().size() > PIPELINE_OCTETS) {
                    break;
                }
                taken++;
                batch.add(step);
                octets += step.message().size();
            }
            return batch;
        }

        /**
         * Downloads a batch whole into the stream cache, with its claims made; the messages that fail to
         * download or turn out routed before are not in the list returned. {@code unsent} are the steps whose
         * RETR is still to send (those sent ahead are answered first); {@code next}, the batch after, or null
         * to read every reply left.
         */
        private List<Fetched> download(Deque<Step> unsent, Deque<Step> next) throws IOException {
            List<Fetched> fetched = new ArrayList<>();
            try {
                transfer(unsent, next, fetched);
            } catch (IOException | RuntimeException e) {
                fetched.forEach(this::giveBack);
                throw e;
            }
            return fetched;
        }

        /**
         * Routes a downloaded batch one Exchange at a time. A stop gives the claims of the Exchanges not routed yet back, as Camel's batch
         * consumers leave the rest of their batch. {@code following} is the number of messages planned after it.
         */
        private void route(List<Fetched> batch, int following) {
            for (int index = 0; index < batch.size(); index++) {
                Fetched fetched = batch.get(index);
                if (!isBatchAllowed()) {
                    giveBack(fetched);
                    continue;
                }
                // what Camel's shutdown strategy waits for: this batch's rest, and the messages still planned
                pendingExchanges = batch.size() - index + following;
                try {
                    routeAndSettle(fetched, index, batch.size());
                } catch (RuntimeException e) {
                    batch.subList(index + 1, batch.size()).forEach(this::giveBack);
                    throw e;
                }
            }
        }

        /** Sends the DELEs due, then the RETRs of {@code unsent}, as long as the window has room. */
        private void send(Deque<Step> unsent) throws IOException {
            while (client.pendingReplies() < commands) {
                if (!toDelete.isEmpty()) {
                    Deletion deletion = toDelete.poll();
                    client.sendDele(deletion.number());
                    deleting.put(deletion.number(), deletion.key());
                } else if (!unsent.isEmpty() && isBatchAllowed()) {
                    Step next = unsent.poll();
                    client.sendRetr(next.message().number(), next.message().size());
                    retrieving.add(next);
                } else {
                    return;
                }
            }
        }

        /** A message fetched and claimed but not routed: the claim goes back, for the next poll. */
        private void giveBack(Fetched fetched) {
            ledger.release(fetched.step(), fetched.sha256());
            discard(fetched.exchange());
        }

        /**
         * Sends the DELEs due, then RETR for each step of {@code unsent}, at most {@code commands} waiting for
         * their reply at a time, and reads the replies: the messages downloaded and claimed are added to
         * {@code fetched}. When pipelining, the RETRs of {@code next} follow, so that the server has them
         * while this batch is read and routed, and reading stops once every RETR of this batch is answered:
         * the replies after it stay in the socket buffers and with the server, not on the heap. One command at
         * a time, or with {@code next} null, every reply is read.
         */
        private void transfer(Deque<Step> unsent, Deque<Step> next, List<Fetched> fetched) throws IOException {
            // the RETRs sent ahead for this batch are its own now
            ahead = 0;
            while (true) {
                send(unsent);
                if (pipelined && next != null && unsent.isEmpty()) {
                    int sent = retrieving.size();
                    send(next);
                    ahead += retrieving.size() - sent;
                }
                boolean answered = unsent.isEmpty() && retrieving.size() == ahead;
                if (client.pendingReplies() == 0 || (answered && pipelined && next != null)) {
                    // a DELE queued by the last reply goes out now, not after the route
                    client.flush();
                    return;
                }
                PipelinedReply reply = client.readReply();
                if (!reply.isRetr()) {
                    deleted(reply, deleting.remove(reply.number()));
                    continue;
                }
                Step step = retrieving.poll();
                if (!reply.ok()) {
                    LOG.warn("POP3 server {} refused to send message {} (uid {}): {}. It stays on the server and is"
                             + " tried again at the next poll.", server(), step.message().number(), step.message().uid(),
                            reply.reply().line());
                    ledger.fetchFailed(step.message());
                    continue;
                }
                if (!isBatchAllowed()) {
                    // stopping: a message already on its way is read past and stays on the server
                    readPast(reply.data());
                    continue;
                }
                Fetched message = fetch(step, reply.data());
                if (message != null) {
                    fetched.add(message);
                }
            }
        }

        /**
         * Downloads one message into Camel's stream cache with the digest of its content (which its success
         * records), decides on its key when its content decides, maps its headers and claims it (one that another
         * consumer claimed meanwhile is left to it; one whose content it routed meanwhile is deleted). A failure of
         * this message alone (the spool cannot be written, its headers cannot be read) leaves it on the server and
         * returns null; a broken session throws.
         */
        private Fetched fetch(Step planned, InputStream data) throws IOException {
            Listed message = planned.message();
            Exchange exchange = createExchange(false);
            digest.reset();
            MessageBody cache = new MessageBody(exchange, staging);
            IOException spoolFailure = null;
            long length = 0;
            long limit = config.getMaxMessageSize();
            for (int n = read(data, message, exchange); n >= 0; n = read(data, message, exchange)) {
                length += n;
                if (limit > 0 && length > limit) {
                    // the server sends more than it announced: stop reading rather than cache without end
                    reportTooLarge(message, length);
                    discard(exchange);
                    client.close();
                    throw new IOException("message " + message.number() + " grew past maxMessageSize (" + limit
                                          + " octets) although the server announced " + message.size()
                                          + "; the session was closed and the message is skipped from now on");
                }
                digest.update(buffer, 0, n);
                if (spoolFailure == null) {
                    try {
                        cache.write(buffer, 0, n);
                    } catch (IOException e) {
                        // read on to the end of the message, so that the session goes on with the next one
                        spoolFailure = e;
                    }
                }
            }
            byte[] sha256 = digest.digest();
            Step step = planned.action() == Action.FETCH ? ledger.decide(message, sha256) : planned;
            if (step.action() != Action.ROUTE) {
                // only the digest was needed: a spool that failed on the way does not matter
                if (step.action() == Action.DELETE) {
                    LOG.debug("Message {} ({}) was routed before; deleting it now", message.number(), step.key());
                    toDelete.add(new Deletion(message.number(), step.key()));
                }
                discard(exchange);
                return null;
            }
            try {
                if (spoolFailure != null) {
                    throw spoolFailure;
                }
                StreamCache body = cache.newStreamCache();
                prepare(exchange, step, body);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Message {} (uid {}) from POP3 server {} cannot be made into an Exchange: {}. It stays on the"
                         + " server and is tried again at the next poll.", message.number(), message.uid(), server(),
                        e.toString());
                ledger.fetchFailed(message);
                discard(exchange);
                return null;
            }
            Step claimed = ledger.claim(step, sha256);
            if (claimed.action() != Action.ROUTE) {
                if (claimed.action() == Action.DELETE) {
                    LOG.debug("Message {} ({}) was routed by another consumer; deleting it now", message.number(),
                            claimed.key());
                    toDelete.add(new Deletion(message.number(), claimed.key()));
                } else {
                    LOG.debug("Message {} ({}) is claimed by another consumer; left to it", message.number(),
                            claimed.key());
                }
                discard(exchange);
                return null;
            }
            return new Fetched(step, exchange, sha256);
        }

        /** Reads message data; data past the size LIST announced skips the message from now on and ends the session. */
        private int read(InputStream data, Listed message, Exchange exchange) throws IOException {
            try {
                return data.read(buffer);
            } catch (Pop3MessageTooLargeException e) {
                reportOversent(message, e);
                discard(exchange);
                throw e;
            }
        }

        private void prepare(Exchange exchange, Step step, StreamCache body) throws IOException {
            Message in = exchange.getIn();
            Listed message = step.message();
            in.setBody(body);
            in.setHeader(Pop3LiteConstants.MESSAGE_NUMBER, message.number());
            in.setHeader(Pop3LiteConstants.SIZE, message.size());
            in.setHeader(Pop3LiteConstants.IDEMPOTENT_KEY, step.key());
            if (message.uid() != null) {
                in.setHeader(Pop3LiteConstants.UID, message.uid());
            }
            if (config.isMapMailHeaders()) {
                // the parser may mark the stream it reads; the body's reset must still go back to its start
                MailHeaders.read(new FilterInputStream((InputStream) body) {
                    @Override
                    public boolean markSupported() {
                        return false;
                    }

                    @Override
                    public void close() {
                        // the body stays open for the route
                    }
                }, in.getHeaders(), config.headerFilter(), exchange);
                body.reset();
            }
            if (contentMapper != null) {
                // may replace the Exchange's message (AttachmentMessage): set nothing on `in` after this
                contentMapper.map(exchange, body);
            }
        }

        /**
         * Routes one Exchange of a batch and settles its message with the ledger: a success is confirmed and its
         * DELE queued, a failure releases the claim. A stop that interrupts the poll thread does not change what
         * the route's outcome was.
         */
        private void routeAndSettle(Fetched fetched, int index, int size) {
            Exchange exchange = fetched.exchange();
            Step step = fetched.step();
            exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, index);
            exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, size);
            exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, index == size - 1);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            // the ledger and the session must still be written to, whatever the interruption
            interrupted |= Thread.interrupted();
            try {
                if (exchange.getException() != null || exchange.isRollbackOnly()) {
                    ledger.routeFailed(step, fetched.sha256());
                    routeFailed("Message " + step.message().number() + " (" + step.key() + ") failed in its route;"
                                + " it stays on the POP3 server and is tried again at the next poll", exchange);
                } else {
                    // recorded before DELE: should the deletion not be committed, the message is deleted, not routed, later
                    ledger.routed(step, fetched.sha256());
                    routed++;
                    if (config.isDelete()) {
                        toDelete.add(new Deletion(step.message().number(), step.key()));
                    }
                }
            } finally {
                releaseExchange(exchange, false);
            }
        }

        /**
         * Reports an Exchange that failed in its route. The route's error handler has handled it already; with
         * bridgeErrorHandler the consumer's exception handler is that same error handler, and handing the Exchange
         * to it again would handle one failure twice, so then the failure is only logged.
         */
        private void routeFailed(String message, Exchange exchange) {
            if (getEndpoint().isBridgeErrorHandler()) {
                LOG.warn("{}: {}", message, exchange.getException() != null ? exchange.getException().toString()
                        : "the Exchange was marked rollback only");
            } else {
                getExceptionHandler().handleException(message, exchange, exchange.getException());
            }
        }

        private void readPast(InputStream data) throws IOException {
            while (data.read(buffer) >= 0) {
                // the octets go nowhere: the message stays on the server
            }
        }

        private void deleted(PipelinedReply reply, String key) {
            if (!reply.ok()) {
                LOG.warn("POP3 server {} refused to delete message {} ({}): {}. It was routed successfully and will"
                         + " not be routed again; its deletion is retried at the next poll.", server(), reply.number(),
                        key, reply.reply().line());
                problems.add("DELE of message " + reply.number() + " refused: " + reply.reply().line());
            }
        }
    }

    /** An Exchange that is not routed: its stream cache (and spool file) goes at once. */
    private void discard(Exchange exchange) {
        UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());
        releaseExchange(exchange, false);
    }

    /** A new digest of the kind each message's content is recorded with. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
        }
    }
}
