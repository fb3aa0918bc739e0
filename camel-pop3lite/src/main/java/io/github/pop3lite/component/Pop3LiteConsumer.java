package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLContext;

import io.github.pop3lite.client.MessageSize;
import io.github.pop3lite.client.MessageUid;
import io.github.pop3lite.client.PipelinedReply;
import io.github.pop3lite.client.Pop3AuthenticationException;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;
import io.github.pop3lite.client.Pop3MessageTooLargeException;
import io.github.pop3lite.client.Pop3ReplyException;
import io.github.pop3lite.client.Pop3TemporaryFailureException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.StreamCachingStrategy;
import org.apache.camel.support.LoggingExceptionHandler;
import org.apache.camel.support.ScheduledBatchPollingConsumer;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 session per poll: lists the maildrop, then downloads and routes one message at a time,
 * in maildrop order, and deletes a message only after its Exchange succeeded. QUIT at the end of
 * the poll commits the deletions.
 */
public class Pop3LiteConsumer extends ScheduledBatchPollingConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3LiteConsumer.class);

    /**
     * Messages, and their octets, on their way at once when the server pipelines: enough to keep the
     * server busy while a message is routed (measured on loopback: 64 messages and 1 MiB left it idle
     * between batches), little enough that a stop has at most a few MiB to read past before QUIT.
     * One message is always allowed, whatever its size.
     */
    static final int PIPELINE_MESSAGES = 256;
    static final long PIPELINE_OCTETS = 4 * 1024 * 1024;

    private static final int SPOOL_CHUNK = 1024 * 1024;

    /** Spool threshold when the context's stream caching sets none. */
    private static final long DEFAULT_SPOOL_THRESHOLD = 128 * 1024;

    private final Pop3LiteConfiguration config;
    private IdempotentRepository repository;
    private SSLContext sslContext;
    private long spoolThreshold;
    private Path spoolDirectory;
    /** Removes spool files off the poll thread. */
    private ExecutorService spoolCleaner;
    private PollFailureLogger failureLogger;
    private final Set<String> tooLarge = new HashSet<>();
    /** Messages whose route failed, by sizeId: they yield their place to the others when a poll is limited. */
    private final Set<String> failed = new HashSet<>();
    private Pop3Client session;
    private final List<String> commitProblems = new ArrayList<>();
    /** DELEs to send in this poll, in order: messages routed now or in an earlier poll. */
    private final Deque<Deletion> toDelete = new ArrayDeque<>();
    /** Carries message data from the session to the spool; polls run one at a time, so one buffer serves all. */
    private final byte[] buffer = new byte[64 * 1024];
    /** Collects spool file data for writes of {@link #SPOOL_CHUNK}; one spool at a time, as for {@link #buffer}. */
    private ByteBuffer spoolChunk;

    /** One maildrop entry as listed at the start of the poll. */
    record Item(int number, long size, String uid, String key, String sizeId) {
    }

    /** A DELE to send, and the key to name should the server refuse it. */
    record Deletion(int number, String key) {
    }

    /** Reports a message over maxMessageSize once, and skips it from now on while it stays on the server. */
    private void reportTooLarge(Item item, long octets) {
        if (tooLarge.add(item.sizeId())) {
            LOG.warn("Message {} (uid {}) on POP3 server {} has {} octets, more than maxMessageSize {}: it is not"
                     + " downloaded and stays on the server. Raise maxMessageSize or remove it from the mailbox.",
                    item.number(), item.uid(), server(), octets, config.getMaxMessageSize());
        }
    }

    /** Skips, from now on, a message whose data went past the size LIST announced for it. */
    private void reportOversent(Item item, Pop3MessageTooLargeException e) {
        if (tooLarge.add(item.sizeId())) {
            LOG.warn("Message {} (uid {}) on POP3 server {}: the server sent more than {} octets of it although LIST"
                     + " announced {}. The download was cut, and the message stays on the server and is skipped from"
                     + " now on; report it to the server's administrator.", item.number(), item.uid(), server(),
                    e.limit(), e.announced());
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
        String host = config.getHost();
        // an IPv6 literal goes in brackets, as in the endpoint URI, or its last group reads like the port
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + config.effectivePort();
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (config.getUsername() == null || config.getUsername().isEmpty()) {
            throw new IllegalArgumentException("pop3lite: the username option is required, for example"
                                               + " pop3lite:" + config.getHost() + "?username=alice&password=RAW(secret)");
        }
        if (config.getPassword() == null) {
            throw new IllegalArgumentException("pop3lite: the password option is required for user '"
                                               + config.getUsername() + "'; write it as password=RAW(...) when it"
                                               + " contains characters such as + or &");
        }
        // validate the choices now, so that a typo fails the route's start rather than every poll
        config.authenticationMethod();
        config.securityMode();
        CredentialsCheck.check(config);
        if (getExceptionHandler() instanceof LoggingExceptionHandler) {
            failureLogger = new PollFailureLogger(getExceptionHandler(),
                    "pop3lite consumer of " + config.getUsername() + "@" + server());
            setExceptionHandler(failureLogger);
        }
    }

    @Override
    protected void doStart() throws Exception {
        // read once: the context's stream-caching settings do not change while the route runs
        StreamCachingStrategy strategy = getEndpoint().getCamelContext().getStreamCachingStrategy();
        spoolThreshold = strategy.getSpoolThreshold() > 0 ? strategy.getSpoolThreshold() : DEFAULT_SPOOL_THRESHOLD;
        spoolDirectory = strategy.getSpoolDirectory() != null
                ? strategy.getSpoolDirectory().toPath()
                : Path.of(System.getProperty("java.io.tmpdir"), "pop3lite");
        if (config.getSslContextParameters() != null) {
            sslContext = config.getSslContextParameters().createSSLContext(getEndpoint().getCamelContext());
        }
        repository = config.getIdempotentRepository() != null
                ? config.getIdempotentRepository() : getEndpoint().defaultIdempotentRepository();
        ServiceHelper.startService(repository);
        spoolCleaner = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "pop3lite-spool-cleaner");
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (spoolCleaner != null) {
            // waits for the spool files still queued for removal;
            // an Exchange that completes later removes its spool file itself (the executor rejects the task)
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(spoolCleaner);
        }
    }

    @Override
    protected int poll() throws Exception {
        shutdownRunningTask = null;
        pendingExchanges = 0;
        commitProblems.clear();
        try (Pop3Client client = openSession()) {
            session = client;
            toDelete.clear();
            Queue<Object> items = new ArrayDeque<>(listItems(client));
            int routed = processBatch(items);
            boolean committed = client.quit();
            if (!committed) {
                commitProblems.add("the server refused QUIT, so the deletions of this poll were not committed; those"
                                   + " messages stay on the server and are deleted, without being routed again, at a"
                                   + " later poll");
            }
            if (!commitProblems.isEmpty()) {
                throw new Pop3LiteException("POP3 server " + server() + ": " + String.join("; ", commitProblems));
            }
            if (failureLogger != null) {
                failureLogger.pollSucceeded();
            }
            return routed;
        } catch (Pop3TemporaryFailureException e) {
            throw new Pop3LiteException("POP3 server " + server() + " cannot serve the maildrop of '"
                                        + config.getUsername() + "' now: " + e.reply().line(), e);
        } catch (Pop3AuthenticationException e) {
            throw new Pop3LiteException("Login as '" + config.getUsername() + "' to POP3 server " + server()
                                        + " refused (" + e.reply().line() + "). Check the username and password options",
                    e);
        } catch (IOException e) {
            throw new Pop3LiteException("POP3 session as '" + config.getUsername() + "' with " + server()
                                        + " failed: " + e.getMessage(), e);
        } finally {
            session = null;
        }
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
                .build();
    }

    private Pop3Client openSession() throws IOException {
        Pop3Client client = Pop3Client.connect(clientOptions());
        try {
            client.login(config.getUsername(), config.getPassword());
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * The messages to route in this poll. Those the repository already knows were routed before:
     * with delete they are queued for deletion (their earlier deletion was never committed), never
     * routed.
     */
    private List<Item> listItems(Pop3Client client) throws IOException {
        List<MessageSize> sizes = client.list();
        Map<Integer, String> uids = uids(client);
        String scope = config.getUsername() + "@" + server() + "/";
        Set<String> listed = new HashSet<>();
        List<Item> items = new ArrayList<>();
        for (MessageSize size : sizes) {
            String uid = uids.get(size.number());
            String key = uid == null ? null : scope + uid;
            if (key != null && repository.contains(key)) {
                if (config.isDelete()) {
                    LOG.debug("Message {} ({}) was routed before; deleting it now", size.number(), key);
                    toDelete.add(new Deletion(size.number(), key));
                }
                continue;
            }
            Item item = new Item(size.number(), size.size(), uid, key, key != null ? key : scope + "#" + size.number() + "/" + size.size());
            listed.add(item.sizeId());
            if (config.getMaxMessageSize() > 0 && size.size() > config.getMaxMessageSize()) {
                reportTooLarge(item, size.size());
                continue;
            }
            if (!tooLarge.contains(item.sizeId())) {
                items.add(item);
            }
        }
        // forget messages that left the server, so the sets stay as small as the maildrop
        tooLarge.retainAll(listed);
        failed.retainAll(listed);
        int max = getMaxMessagesPerPoll();
        if (max > 0 && uids.size() > 0 && items.size() > max) {
            // otherwise maxMessagesPerPoll poison messages at the head of the maildrop would be all that is ever tried
            List<Item> ordered = new ArrayList<>(items.size());
            items.stream().filter(item -> !failed.contains(item.sizeId())).forEach(ordered::add);
            items.stream().filter(item -> failed.contains(item.sizeId())).forEach(ordered::add);
            return ordered.subList(0, max);
        }
        return items;
    }

    private static Map<Integer, String> uids(Pop3Client client) throws IOException {
        if (client.capabilities().isKnown() && !client.capabilities().has("UIDL")) {
            return Map.of();
        }
        List<MessageUid> list;
        try {
            list = client.uidl();
        } catch (Pop3ReplyException e) {
            if (e.responseCode() != null) {
                throw e;
            }
            LOG.debug("POP3 server refused UIDL ({}); messages are recognised by their content", e.reply().line());
            return Map.of();
        }
        Map<Integer, String> uids = new HashMap<>();
        for (MessageUid entry : list) {
            uids.put(entry.number(), entry.uid());
        }
        return uids;
    }

    /**
     * Routes the listed messages one at a time, in maildrop order. RETR and DELE go through a window
     * of commands sent ahead of their replies (RFC 2449 PIPELINING, only when the server announced
     * it), so that the next messages are already on their way while the current one is routed; the
     * delivery stays one Exchange at a time, and DELE still follows the Exchange's success.
     */
    @Override
    public int processBatch(Queue<Object> items) throws Exception {
        Pop3Client client = session;
        boolean pipelining = client.capabilities().pipelining();
        int window = pipelining ? PIPELINE_MESSAGES : 1;
        // the DELEs of the messages routed since the last top-up go along with the RETRs, at most a window of them
        int commands = pipelining ? 2 * PIPELINE_MESSAGES : 1;
        int max = getMaxMessagesPerPoll() > 0 ? getMaxMessagesPerPoll() : Integer.MAX_VALUE;
        int total = items.size();
        Deque<Item> retrieving = new ArrayDeque<>();
        long octetsOnTheirWay = 0;
        Map<Integer, String> deleting = new HashMap<>();
        int index = 0;
        int routed = 0;
        while (true) {
            // top up once half the messages on their way have arrived: commands go out in batches, as the server
            // reads them; counting the quickly answered DELEs in the window instead let the server run out of RETRs
            if (retrieving.size() <= window / 2) {
                boolean allowed = isBatchAllowed();
                while (client.pendingReplies() < commands) {
                    Item next = (Item) items.peek();
                    if (!toDelete.isEmpty()) {
                        Deletion deletion = toDelete.poll();
                        client.sendDele(deletion.number());
                        deleting.put(deletion.number(), deletion.key());
                    } else if (allowed && next != null && retrieving.size() < window && routed + retrieving.size() < max
                               && (retrieving.isEmpty() || octetsOnTheirWay + next.size() <= PIPELINE_OCTETS)) {
                        items.poll();
                        client.sendRetr(next.number(), next.size());
                        retrieving.add(next);
                        octetsOnTheirWay += next.size();
                    } else {
                        break;
                    }
                }
            }
            if (client.pendingReplies() == 0) {
                break;
            }
            PipelinedReply reply = client.readReply();
            if (!reply.isRetr()) {
                deleted(reply, deleting.remove(reply.number()));
                continue;
            }
            Item item = retrieving.poll();
            octetsOnTheirWay -= item.size();
            pendingExchanges = total - index - 1;
            if (!reply.ok()) {
                LOG.warn("POP3 server {} refused to send message {} (uid {}): {}. It stays on the server and is tried"
                         + " again at the next poll.", server(), item.number(), item.uid(), reply.reply().line());
                index++;
                continue;
            }
            if (!isBatchAllowed()) {
                // stopping: a message already on its way is read past and stays on the server
                continue;
            }
            if (route(item, reply.data(), index++, total)) {
                routed++;
            }
        }
        pendingExchanges = 0;
        return routed;
    }

    /**
     * Downloads one message completely, then routes it; on success queues its DELE.
     *
     * @return whether the route succeeded
     */
    private boolean route(Item item, InputStream data, int index, int total) throws Exception {
        MessageDigest digest = item.key() == null ? sha256() : null;
        SpooledMessage body = download(session, item, data, digest);
        String key = item.key() != null
                ? item.key()
                : config.getUsername() + "@" + server() + "/sha256:" + HexFormat.of().formatHex(digest.digest());
        if (item.key() == null && repository.contains(key)) {
            deleteSpool(body);
            if (config.isDelete()) {
                toDelete.add(new Deletion(item.number(), key));
            }
            return false;
        }
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getIn();
            message.setBody(body);
            message.setHeader(Pop3LiteConstants.MESSAGE_NUMBER, item.number());
            message.setHeader(Pop3LiteConstants.SIZE, item.size());
            message.setHeader(Pop3LiteConstants.IDEMPOTENT_KEY, key);
            if (item.uid() != null) {
                message.setHeader(Pop3LiteConstants.UID, item.uid());
            }
            if (config.isMapMailHeaders()) {
                MailHeaders.read(body, message.getHeaders(), config.headerFilter(), exchange);
                body.reset();
            }
            exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, index);
            exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, total);
            exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, index == total - 1);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    deleteSpool(body);
                }
            });
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null || exchange.isRollbackOnly()) {
                failed.add(item.sizeId());
                routeFailed("Message " + item.number() + " (" + key + ") failed in its route; it stays on the POP3 server"
                            + " and is tried again at the next poll", exchange);
                return false;
            }
            failed.remove(item.sizeId());
            // recorded before DELE: should the deletion not be committed, the message is deleted, not routed, later
            repository.add(key);
            if (config.isDelete()) {
                toDelete.add(new Deletion(item.number(), key));
            }
            return true;
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

    private SpooledMessage download(Pop3Client client, Item item, InputStream data, MessageDigest digest)
            throws IOException {
        MessageSpool spool = new MessageSpool(spoolThreshold, spoolDirectory, item.size(), this::spoolChunk);
        long limit = config.getMaxMessageSize();
        try {
            for (int n = data.read(buffer); n >= 0; n = data.read(buffer)) {
                spool.write(buffer, 0, n);
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                if (limit > 0 && spool.length() > limit) {
                    // the server sends more than it announced: stop reading rather than spool without end
                    reportTooLarge(item, spool.length());
                    client.close();
                    throw new IOException("message " + item.number() + " grew past maxMessageSize (" + limit
                                          + " octets) although the server announced " + item.size()
                                          + "; the session was closed and the message is skipped from now on");
                }
            }
            return spool.finish();
        } catch (Pop3MessageTooLargeException e) {
            spool.discard();
            reportOversent(item, e);
            throw e;
        } catch (IOException | RuntimeException e) {
            spool.discard();
            throw e;
        }
    }

    /** Allocated on first use: most mailboxes never hold a message large enough to be spooled to a file. */
    private ByteBuffer spoolChunk() {
        if (spoolChunk == null) {
            spoolChunk = ByteBuffer.allocateDirect(SPOOL_CHUNK);
        }
        return spoolChunk;
    }

    private void deleted(PipelinedReply reply, String key) {
        if (!reply.ok()) {
            LOG.warn("POP3 server {} refused to delete message {} ({}): {}. It was routed successfully and will not be"
                     + " routed again; its deletion is retried at the next poll.", server(), reply.number(), key,
                    reply.reply().line());
            commitProblems.add("DELE of message " + reply.number() + " refused: " + reply.reply().line());
        }
    }

    private void deleteSpool(SpooledMessage body) {
        body.close();
        Path file = body.file();
        if (file != null) {
            try {
                // removing a file of 200 MB took 40 ms: the DELE and the next message need not wait for it
                spoolCleaner.execute(() -> deleteSpoolFile(file));
            } catch (RejectedExecutionException e) {
                deleteSpoolFile(file);
            }
        }
    }

    private static void deleteSpoolFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Cannot delete spool file {}. This exception is ignored.", file, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", e);
        }
    }
}
