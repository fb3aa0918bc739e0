package io.github.pop3lite.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 session (RFC 1939): one method per command, typed failures, and the session state
 * checked before anything is sent. Not thread-safe: one session belongs to one thread at a time.
 *
 * <pre>{@code
 * try (Pop3Client pop3 = Pop3Client.connect(Pop3ClientOptions.builder("mail.example.com")
 *         .security(Security.TLS).build())) {
 *     pop3.login("alice", password);
 *     for (MessageSize m : pop3.list()) {
 *         try (InputStream message = pop3.retr(m.number())) {
 *             // ...
 *         }
 *         pop3.dele(m.number());
 *     }
 *     boolean committed = pop3.quit();
 * }
 * }</pre>
 */
public final class Pop3Client implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3Client.class);

    /**
     * Most lines, and octets, a listing (LIST, UIDL, CAPA) may have: a maildrop of a million
     * messages fits, and a hostile server cannot make the listing exhaust the heap.
     */
    static final int MAX_LISTING_LINES = 1_000_000;
    static final long MAX_LISTING_OCTETS = 64L * 1024 * 1024;

    /**
     * Most lines, and octets, a CAPA reply may have. Servers list a dozen capabilities; the maildrop
     * limits above would let a hostile CAPA of a million lines take more than a 64 MB heap.
     */
    static final int MAX_CAPA_LINES = 1_000;
    static final long MAX_CAPA_OCTETS = 64L * 1024;

    /** Most challenges one AUTH exchange may have: SCRAM has two, the others one. */
    private static final int MAX_SASL_ROUNDS = 10;
    /**
     * How far message data may exceed the size LIST announced: 1/10 of it plus 4 KiB. RFC 1939 makes
     * the size exact, but some servers count line ends as stored (LF) rather than as sent (CRLF).
     */
    static final long DATA_TOLERANCE_OCTETS = 4096;
    static final int DATA_TOLERANCE_FRACTION = 10;

    private final Pop3ClientOptions options;
    private Socket socket;
    private final Pop3Channel channel;
    private Pop3State state = Pop3State.AUTHORIZATION;
    private final Pop3Reply greeting;
    private Capabilities capabilities;
    /** The last CAPA answer of the session, kept after login and QUIT reset {@link #capabilities}. */
    private Capabilities lastCapabilities;
    private DotTerminatedInputStream openData;
    private boolean userAccepted;
    /** This session's pipelining verdict, once {@link #mayPipeline()} decided it. */
    private Boolean pipelining;
    /** Whether the session pipelines on the probe's verdict rather than on the server's word. */
    private boolean pipeliningOnProbe;
    /** Size limits of the RETRs sent ahead, by message number. */
    private final Map<Integer, Long> retrAnnounced = new HashMap<>();

    private Pop3Client(Pop3ClientOptions options, Socket socket) throws IOException {
        this.options = options;
        this.socket = socket;
        Pop3Input input = new Pop3Input(socket.getInputStream(), socket, options.readTimeout().toMillis(),
                options.minDataRate());
        input.onBroken(this::abandon);
        this.channel = new Pop3Channel(input, socket.getOutputStream());
        this.greeting = channel.reply();
    }

    /**
     * Connects, reads the greeting and, with {@link Security#STARTTLS}, upgrades the connection.
     *
     * @throws Pop3ReplyException   when the server greets with {@code -ERR}
     * @throws Pop3SecurityException when TLS cannot be established
     */
    public static Pop3Client connect(Pop3ClientOptions options) throws IOException {
        Socket socket = Connector.connect(options);
        Pop3Client client;
        try {
            if (options.security() == Security.TLS) {
                socket = Connector.startTls(socket, options);
            }
            client = new Pop3Client(options, socket);
        } catch (IOException | RuntimeException e) {
            Connector.closeQuietly(socket);
            throw e;
        }
        try {
            if (!client.greeting.ok()) {
                throw refusal("the connection (greeting)", client.greeting, false);
            }
            if (options.security() == Security.STARTTLS) {
                client.stls();
            }
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Loads what a login with {@code method} takes from the JDK, so that a component can do it when it starts
     * rather than in its first session: for SCRAM the security providers and the SASLprep tables. {@link
     * AuthenticationMethod#AUTO} prepares SCRAM-SHA-256, which it prefers where the server offers it, and leaves
     * the failure to the login that would need it; the other methods take nothing worth preparing.
     *
     * @throws IllegalStateException when {@code method} is a SCRAM method and this JVM lacks one of its algorithms
     */
    public static void prepareLogin(AuthenticationMethod method) {
        switch (method) {
            case SCRAM_SHA_256 -> ScramMechanism.prepare(ScramMechanism.Hash.SHA_256);
            case SCRAM_SHA_1 -> ScramMechanism.prepare(ScramMechanism.Hash.SHA_1);
            case AUTO -> {
                try {
                    ScramMechanism.prepare(ScramMechanism.Hash.SHA_256);
                } catch (IllegalStateException e) {
                    LOG.debug("SCRAM-SHA-256 cannot be prepared ({}); a login that chooses it will fail", e.getMessage());
                }
            }
            default -> {
                // nothing beyond what every session loads
            }
        }
    }

    public Pop3State state() {
        return state;
    }

    /** The server's greeting. */
    public Pop3Reply greeting() {
        return greeting;
    }

    /** The APOP timestamp of the greeting, when it carries exactly one valid one. */
    public Optional<String> apopTimestamp() {
        return Apop.timestamp(greeting.text());
    }

    /** Whether the connection is protected by TLS (implicit or after STLS). */
    public boolean isEncrypted() {
        return socket instanceof SSLSocket;
    }

    /** Whether the server is on this machine, where a clear-text password does not cross a network. */
    public boolean isLoopback() {
        return socket.getInetAddress().isLoopbackAddress();
    }

    /**
     * The server's capabilities (CAPA), asked once and kept until STLS or login change them.
     * A server that refuses CAPA yields {@link Capabilities#UNKNOWN}.
     */
    public Capabilities capabilities() throws IOException {
        if (capabilities == null) {
            prepare("CAPA", Pop3State.AUTHORIZATION, Pop3State.TRANSACTION);
            channel.send("CAPA");
            Pop3Reply reply = channel.reply();
            if (reply.ok()) {
                List<String> lines = new ArrayList<>();
                listing(lines::add, MAX_CAPA_LINES, MAX_CAPA_OCTETS, true);
                capabilities = Capabilities.parse(lines);
                lastCapabilities = capabilities;
            } else if (reply.code() != null && reply.code() != ResponseCode.AUTH) {
                throw refusal("CAPA", reply, false);
            } else {
                capabilities = Capabilities.UNKNOWN;
            }
        }
        return capabilities;
    }

    /**
     * The capabilities of the last CAPA this session asked, without asking again (so also after
     * login or QUIT); {@code null} when it never asked.
     */
    public Capabilities lastCapabilities() {
        return lastCapabilities;
    }

    /**
     * Upgrades the connection with STLS (RFC 2595). Anything the server sent after its +OK and
     * before the handshake is thrown away, and the capabilities are asked again.
     *
     * @throws Pop3SecurityException when the server does not offer or refuses STLS, or the handshake fails
     */
    public void stls() throws IOException {
        prepare("STLS", Pop3State.AUTHORIZATION);
        if (isEncrypted()) {
            throw new IllegalStateException("STLS is not possible: the connection is already encrypted");
        }
        Capabilities caps = capabilities();
        if (caps.isKnown() && !caps.has("STLS")) {
            throw new Pop3SecurityException("POP3 server " + where() + " does not offer STLS (its capabilities: "
                    + caps + "). Use security=tls if it listens for implicit TLS (port 995), or ask its administrator"
                    + " to enable STLS.");
        }
        channel.send("STLS");
        Pop3Reply reply = channel.reply();
        if (!reply.ok()) {
            throw new Pop3SecurityException("POP3 server " + where() + " refused STLS: " + reply.line()
                    + ". The connection is closed rather than continued without TLS.");
        }
        SSLSocket ssl = Connector.startTls(socket, options);
        socket = ssl;
        int injected = channel.switchTo(ssl.getInputStream(), ssl.getOutputStream(), ssl);
        if (injected > 0) {
            LOG.warn("POP3 server {} sent {} octets after its STLS reply and before the TLS handshake; they were"
                    + " discarded (RFC 2595), which may mean someone tried to inject commands", where(), injected);
        }
        capabilities = null;
        capabilities();
    }

    /**
     * Logs in with a password as the options say: APOP, USER/PASS, a SASL mechanism, or the
     * strongest safe one the server offers ({@link AuthenticationMethod#AUTO}; see
     * {@link LoginChoice}). AUTO chooses from the server's CAPA reply when this session has asked
     * for it ({@link #capabilities()}, which STLS does too); without one it keeps to APOP or
     * USER/PASS, so call {@link #capabilities()} first to let it pick SCRAM or CRAM-MD5. A password
     * goes out in clear only over TLS, to a loopback server, or with
     * {@link Pop3ClientOptions#allowPlaintextPassword()}.
     *
     * @throws Pop3AuthenticationException  when the server refuses the credentials
     * @throws Pop3TemporaryFailureException when the maildrop is busy or the server asks to wait
     * @throws Pop3SecurityException        when the login would expose the password
     * @throws Pop3Exception                when the server does not offer the chosen SASL mechanism;
     *                                      nothing was sent then
     */
    public void login(String user, String password) throws IOException {
        prepare("login", Pop3State.AUTHORIZATION);
        AuthenticationMethod method = options.authentication();
        if (method.usesAccessToken()) {
            throw new IllegalArgumentException("authentication " + method + " logs in with an access token, not a"
                    + " password: call login(user, AccessTokenProvider)");
        }
        if (method == AuthenticationMethod.AUTO) {
            // the CAPA reply if the session asked for one; a caller who did not ask saves the round trip
            Capabilities known = capabilities != null ? capabilities : Capabilities.UNKNOWN;
            method = LoginChoice.forPassword(known, isEncrypted(), apopTimestamp().isPresent());
            LOG.debug("Logging in to {} with {} (authentication=auto)", where(), method);
        }
        switch (method) {
            case APOP -> apopLogin(user, password);
            case USER -> {
                user(user);
                pass(password);
            }
            case PLAIN -> authenticate(SaslMechanism.plain(user, password));
            case LOGIN -> authenticate(SaslMechanism.login(user, password));
            case CRAM_MD5 -> authenticate(SaslMechanism.cramMd5(user, password));
            case SCRAM_SHA_1 -> authenticate(SaslMechanism.scramSha1(user, password));
            case SCRAM_SHA_256 -> authenticate(SaslMechanism.scramSha256(user, password));
            default -> throw new IllegalStateException("no password login for " + method);
        }
    }

    /**
     * Logs in with an OAuth 2 access token: XOAUTH2, OAUTHBEARER, or with
     * {@link AuthenticationMethod#AUTO} OAUTHBEARER when the server offers it, XOAUTH2 otherwise.
     * The provider is asked for the token only after the server was found to offer the mechanism
     * and the connection to be safe for it (the clear-text rule applies to tokens as to passwords).
     *
     * @throws Pop3AccessTokenException    when the provider fails or returns no token
     * @throws Pop3AuthenticationException when the server refuses the token; the message carries the
     *                                     server's RFC 7628 status (say, {@code invalid_token})
     */
    public void login(String user, AccessTokenProvider tokens) throws IOException {
        prepare("login", Pop3State.AUTHORIZATION);
        AuthenticationMethod method = options.authentication();
        if (method == AuthenticationMethod.AUTO) {
            method = LoginChoice.forToken(capabilities(), where());
        } else if (!method.usesAccessToken()) {
            throw new IllegalArgumentException("authentication " + method + " logs in with a password, not an access"
                    + " token: use XOAUTH2, OAUTHBEARER or AUTO");
        }
        LoginChoice.requireOffered(method.saslName(), capabilities(), where());
        checkPlaintextAllowed(isEncrypted(), isLoopback(), options.allowPlaintextPassword(), where(), user,
                "the access token");
        String token;
        try {
            token = tokens.accessToken(user);
        } catch (Exception e) {
            throw new Pop3AccessTokenException("The access token provider failed for user '" + user + "' ("
                    + e.getClass().getName() + ": " + e.getMessage() + "); nothing was sent to POP3 server " + where(), e);
        }
        if (token == null || token.isBlank()) {
            throw new Pop3AccessTokenException("The access token provider returned no token for user '" + user
                    + "'; nothing was sent to POP3 server " + where(), null);
        }
        authenticate(method == AuthenticationMethod.XOAUTH2
                ? SaslMechanism.xoauth2(user, token)
                : SaslMechanism.oauthBearer(user, token, options.host(), options.port()));
    }

    /**
     * Logs in with a SASL mechanism (RFC 5034 AUTH). The server must list it in CAPA (when it
     * answers CAPA); the clear-text rule applies when the mechanism exposes the secret. The first
     * response goes as {@link Pop3ClientOptions#saslInitialResponse()} says.
     *
     * @throws Pop3AuthenticationException when the server refuses; a bearer mechanism's error status is in the message
     * @throws Pop3SecurityException       when the server fails to prove itself (SCRAM) or the secret would go in clear
     */
    public void authenticate(SaslMechanism mechanism) throws IOException {
        prepare("AUTH", Pop3State.AUTHORIZATION);
        String name = mechanism.name();
        LoginChoice.requireOffered(name, capabilities(), where());
        if (mechanism.exposesSecret()) {
            checkPlaintextAllowed(isEncrypted(), isLoopback(), options.allowPlaintextPassword(), where(), null,
                    "the " + name + " credentials");
        }
        byte[] initial = mechanism.initialResponse();
        String encoded = initial == null ? null : initial.length == 0 ? "=" : Base64.getEncoder().encodeToString(initial);
        boolean fits = encoded != null
                && ("AUTH " + name + " " + encoded + "\r\n").length() <= Pop3Channel.MAX_COMMAND_LENGTH;
        SaslInitialResponse mode = options.saslInitialResponse();
        boolean twoLineFirst = mode == SaslInitialResponse.AUTO && name.equalsIgnoreCase("XOAUTH2");
        boolean oneLine = fits && (mode == SaslInitialResponse.ALWAYS || mode == SaslInitialResponse.AUTO && !twoLineFirst);
        AuthOutcome outcome = exchange(mechanism, encoded, oneLine);
        if (!outcome.status().ok() && !outcome.challenged() && twoLineFirst && fits && outcome.status().code() == null) {
            // refused before any credential went out: this server wants the initial response
            LOG.debug("POP3 server {} refused AUTH {} without initial response; sending it on the AUTH line", where(), name);
            outcome = exchange(mechanism, encoded, true);
        }
        Pop3Reply status = outcome.status();
        if (!status.ok()) {
            String detail = mechanism.failureDetail();
            Pop3ReplyException refusal = refusal("AUTH " + name, status, true);
            if (detail != null && refusal instanceof Pop3AuthenticationException) {
                throw new Pop3AuthenticationException("AUTH " + name, status, detail);
            }
            throw refusal;
        }
        try {
            mechanism.completed();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        enterTransaction();
    }

    /** How one AUTH exchange ended, and whether the server had sent any challenge before. */
    private record AuthOutcome(Pop3Reply status, boolean challenged) {
    }

    private AuthOutcome exchange(SaslMechanism mechanism, String initial, boolean oneLine) throws IOException {
        if (oneLine) {
            channel.send("AUTH", 1, mechanism.name(), initial);
        } else {
            channel.send("AUTH", mechanism.name());
        }
        boolean initialPending = initial != null && !oneLine;
        for (int round = 0; ; round++) {
            Pop3Channel.AuthReply reply = channel.authReply();
            if (reply.status() != null) {
                return new AuthOutcome(reply.status(), round > 0);
            }
            if (round == MAX_SASL_ROUNDS) {
                throw cancelled(new Pop3ProtocolException("POP3 server sent more than " + MAX_SASL_ROUNDS + " "
                        + mechanism.name() + " challenges"));
            }
            String response;
            try {
                if (initialPending) {
                    // RFC 5034: the initial response answers the server's first, empty challenge
                    initialPending = false;
                    response = initial.equals("=") ? "" : initial;
                } else {
                    byte[] challenge;
                    try {
                        challenge = Base64.getDecoder().decode(reply.challenge());
                    } catch (IllegalArgumentException e) {
                        throw new Pop3ProtocolException("POP3 server sent a " + mechanism.name()
                                + " challenge that is not base64: '" + Pop3Reply.printable(reply.challenge()) + "'");
                    }
                    response = Base64.getEncoder().encodeToString(mechanism.respond(challenge));
                }
            } catch (Pop3Exception e) {
                throw cancelled(e);
            }
            channel.sendAuthResponse(response);
        }
    }

    /** Cancels the AUTH exchange with {@code *} (RFC 5034) and closes the session: it cannot be trusted now. */
    private <E extends IOException> E cancelled(E failure) {
        try {
            channel.sendAuthResponse("*");
            channel.authReply();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        return broken(failure);
    }

    /** APOP, then USER/PASS if that is allowed ({@link Pop3ClientOptions#apopFallback()}). */
    private void apopLogin(String user, String password) throws IOException {
        if (apopTimestamp().isEmpty()) {
            if (!options.apopFallback()) {
                throw new Pop3SecurityException("APOP login to POP3 server " + where() + " is not possible: its"
                        + " greeting carries no valid APOP timestamp. Use authentication=user over TLS, or allow"
                        + " the fallback to USER/PASS (apopFallback=true).");
            }
            LOG.warn("POP3 server {} offers no APOP timestamp in its greeting; trying USER/PASS instead", where());
        } else {
            try {
                apop(user, password);
                return;
            } catch (Pop3AuthenticationException e) {
                if (!options.apopFallback()) {
                    throw e;
                }
                LOG.debug("APOP refused by {} ({}); trying USER/PASS", where(), e.reply().line());
            }
        }
        user(user);
        pass(password);
    }

    /** Logs in with APOP: only the digest of the greeting's timestamp and the password is sent. */
    public void apop(String user, String password) throws IOException {
        prepare("APOP", Pop3State.AUTHORIZATION);
        requireText("user name", user);
        String timestamp = apopTimestamp().orElseThrow(() -> new Pop3SecurityException("APOP login to POP3 server "
                + where() + " is not possible: its greeting carries no valid APOP timestamp"));
        channel.send("APOP", 1, user, Apop.digest(timestamp, password));
        expectOk("APOP", true);
        enterTransaction();
    }

    /** Sends USER, after checking that the password that follows may go out in clear. */
    public void user(String user) throws IOException {
        prepare("USER", Pop3State.AUTHORIZATION);
        requireText("user name", user);
        checkPlaintextAllowed(user);
        // a refused USER cancels an earlier accepted one: PASS must not follow it
        userAccepted = false;
        channel.send("USER", user);
        expectOk("USER", true);
        userAccepted = true;
    }

    /** Sends PASS after a successful USER. A -ERR is an authentication failure. */
    public void pass(String password) throws IOException {
        prepare("PASS", Pop3State.AUTHORIZATION);
        if (!userAccepted) {
            throw new IllegalStateException("PASS must follow a USER command that the server accepted");
        }
        requireText("password", password);
        checkPlaintextAllowed(null);
        userAccepted = false;
        channel.send("PASS", 0, password);
        expectOk("PASS", true);
        enterTransaction();
    }

    /** STAT: number of messages and size of the maildrop. */
    public MaildropStatus stat() throws IOException {
        prepare("STAT", Pop3State.TRANSACTION);
        channel.send("STAT");
        String[] words = fields(expectOk("STAT", false), 2, "STAT");
        return new MaildropStatus(parseCount(words[0], "STAT"), parseSize(words[1], "STAT"));
    }

    /** LIST: the size of every message not marked deleted, kept compact (a million messages take 12 MB). */
    public MessageSizeList list() throws IOException {
        prepare("LIST", Pop3State.TRANSACTION);
        channel.send("LIST");
        expectOk("LIST", false);
        MessageSizeList sizes = new MessageSizeList();
        listing(line -> {
            String[] words = fields(line, 2, "LIST");
            sizes.add(parseNumber(words[0], "LIST"), parseSize(words[1], "LIST"));
        });
        return sizes;
    }

    /** LIST n: the size of one message. */
    public long list(int number) throws IOException {
        String n = messageNumber(number);
        prepare("LIST", Pop3State.TRANSACTION);
        channel.send("LIST", n);
        String[] words = fields(expectOk("LIST", false), 2, "LIST");
        requireSameNumber(number, words[0], "LIST");
        return parseSize(words[1], "LIST");
    }

    /** UIDL: the unique id of every message not marked deleted, kept compact (see {@link MessageUidList}). */
    public MessageUidList uidl() throws IOException {
        prepare("UIDL", Pop3State.TRANSACTION);
        channel.send("UIDL");
        expectOk("UIDL", false);
        MessageUidList uids = new MessageUidList();
        listing(line -> {
            String[] words = fields(line, 2, "UIDL");
            uids.add(parseNumber(words[0], "UIDL"), parseUid(words[1]));
        });
        return uids;
    }

    /** UIDL n: the unique id of one message. */
    public String uidl(int number) throws IOException {
        String n = messageNumber(number);
        prepare("UIDL", Pop3State.TRANSACTION);
        channel.send("UIDL", n);
        String[] words = fields(expectOk("UIDL", false), 2, "UIDL");
        requireSameNumber(number, words[0], "UIDL");
        return parseUid(words[1]);
    }

    /**
     * RETR n: the message as the server holds it, streamed. The stream must be read to its end or
     * closed before the next command; closing it early reads and discards the rest. A connection
     * closed before the end of the message makes the stream throw, never end early.
     */
    public InputStream retr(int number) throws IOException {
        String n = messageNumber(number);
        prepare("RETR", Pop3State.TRANSACTION);
        channel.send("RETR", n);
        expectOk("RETR", false);
        openData = channel.data();
        return openData;
    }

    /**
     * RETR n, for a message whose size LIST announced: as {@link #retr(int)}, but data beyond
     * {@link #dataLimit(long)} octets ends the stream with a {@link Pop3MessageTooLargeException}
     * and closes the session, so a server cannot send a message without end.
     */
    public InputStream retr(int number, long listedSize) throws IOException {
        String n = messageNumber(number);
        prepare("RETR", Pop3State.TRANSACTION);
        channel.send("RETR", n);
        expectOk("RETR", false);
        openData = channel.data(listedSize, dataLimit(listedSize));
        return openData;
    }

    /** The most octets accepted for a message whose size was announced as {@code listedSize}. */
    public static long dataLimit(long listedSize) {
        long tolerance = DATA_TOLERANCE_OCTETS + listedSize / DATA_TOLERANCE_FRACTION;
        return listedSize > Long.MAX_VALUE - tolerance ? Long.MAX_VALUE : listedSize + tolerance;
    }

    /** TOP n lines: the header and the first {@code lines} lines of the body, streamed like {@link #retr}. */
    public InputStream top(int number, int lines) throws IOException {
        String n = messageNumber(number);
        if (lines < 0) {
            throw new IllegalArgumentException("TOP needs a number of lines of 0 or more, was " + lines);
        }
        prepare("TOP", Pop3State.TRANSACTION);
        channel.send("TOP", n, Integer.toString(lines));
        expectOk("TOP", false);
        openData = channel.data();
        return openData;
    }

    /**
     * Whether this session may send several commands ahead of their replies ({@link #sendRetr},
     * {@link #sendDele}), as {@link Pop3ClientOptions#pipelining()} says; decided once per session, in
     * the TRANSACTION state. With {@link Pipelining#AUTO} and a server that does not announce
     * PIPELINING, this sends two NOOPs in one write unless {@link Pop3ClientOptions#pipeliningMemory()}
     * already holds a verdict, and keeps the verdict there.
     *
     * @throws Pop3Exception when the probe's connection fails or its second reply does not come within
     *                       readTimeout: the session is then closed, and the next ones with this memory
     *                       send one command at a time
     */
    public boolean mayPipeline() throws IOException {
        if (pipelining == null) {
            prepare("the pipelining probe", Pop3State.TRANSACTION);
            pipelining = decidePipelining();
        }
        return pipelining;
    }

    private boolean decidePipelining() throws IOException {
        Pipelining mode = options.pipelining();
        if (mode == Pipelining.OFF) {
            return false;
        }
        if (capabilities().pipelining()) {
            return true;
        }
        if (mode == Pipelining.ANNOUNCED) {
            return false;
        }
        PipeliningMemory memory = options.pipeliningMemory();
        Optional<Boolean> known = memory.verdict();
        if (known.isEmpty()) {
            boolean accepted;
            try {
                accepted = PipeliningProbe.run(channel, options.pipeliningProbeTimeout());
            } catch (IOException e) {
                memory.probed(false);
                throw new Pop3Exception("POP3 server " + where() + " failed the pipelining probe (two NOOPs in one"
                        + " write): " + e.getMessage() + ". This session is closed; the next ones send one command"
                        + " at a time", e);
            }
            memory.probed(accepted);
            LOG.debug("POP3 server {} does not announce PIPELINING; {} two NOOPs sent together", where(),
                    accepted ? "it answered" : "it did not answer promptly");
            known = Optional.of(accepted);
        }
        pipeliningOnProbe = known.get();
        return known.get();
    }

    /**
     * Sends RETR n without waiting for the replies to earlier commands (RFC 2449 PIPELINING). The
     * reply comes from {@link #readReply()}, in the order the commands were sent. Unless
     * {@link #mayPipeline()} allowed it (or, before that was asked, the server announced PIPELINING in
     * its last CAPA reply), only one command may wait for its reply at a time, because some servers
     * throw away commands that arrive before they asked for them.
     */
    public void sendRetr(int number) throws IOException {
        sendAhead("RETR", number);
    }

    /** As {@link #sendRetr(int)}, with the data cut as {@link #retr(int, long)} does. */
    public void sendRetr(int number, long listedSize) throws IOException {
        sendAhead("RETR", number);
        retrAnnounced.put(number, listedSize);
    }

    /** Sends DELE n without waiting; see {@link #sendRetr}. */
    public void sendDele(int number) throws IOException {
        sendAhead("DELE", number);
    }

    private void sendAhead(String command, int number) throws IOException {
        String n = messageNumber(number);
        if (state != Pop3State.TRANSACTION) {
            throw new IllegalStateException("POP3 " + command + " is not allowed in state " + state);
        }
        // capabilities as last asked: CAPA itself cannot be sent while replies are pending
        boolean allowed = pipelining != null
                ? pipelining
                : options.pipelining() != Pipelining.OFF && capabilities != null && capabilities.pipelining();
        if (channel.awaitingReply() > 0 && !allowed) {
            throw new IllegalStateException("POP3 server " + where() + " did not announce PIPELINING and"
                    + " mayPipeline() did not allow it: read the reply to the previous command before sending " + command);
        }
        channel.send(command, n);
    }

    /** How many commands sent with {@link #sendRetr} or {@link #sendDele} still wait for their reply. */
    public int pendingReplies() {
        return channel.awaitingReply();
    }

    /** Sends the commands queued by {@link #sendRetr} and {@link #sendDele} without reading anything. */
    public void flush() throws IOException {
        channel.flush();
    }

    /**
     * Reads the reply to the oldest command sent ahead. The data of the previous RETR is read to its
     * end first if the caller did not.
     */
    public PipelinedReply readReply() throws IOException {
        String command = channel.oldestAwaiting();
        if (command == null) {
            throw new IllegalStateException("No POP3 command sent ahead waits for a reply");
        }
        finishData();
        Pop3Reply reply = channel.reply();
        int number = Integer.parseInt(command.substring(command.indexOf(' ') + 1));
        InputStream data = null;
        if (command.startsWith("RETR ")) {
            Long announced = retrAnnounced.remove(number);
            if (reply.ok()) {
                openData = announced == null ? channel.data() : channel.data(announced, dataLimit(announced));
                data = openData;
            }
        }
        return new PipelinedReply(command, number, reply, data);
    }

    /** DELE n: marks a message deleted; it is removed only when QUIT is answered +OK. */
    public void dele(int number) throws IOException {
        String n = messageNumber(number);
        prepare("DELE", Pop3State.TRANSACTION);
        channel.send("DELE", n);
        expectOk("DELE", false);
    }

    public void noop() throws IOException {
        prepare("NOOP", Pop3State.TRANSACTION);
        channel.send("NOOP");
        expectOk("NOOP", false);
    }

    /** RSET: unmarks every message marked deleted in this session. */
    public void rset() throws IOException {
        prepare("RSET", Pop3State.TRANSACTION);
        channel.send("RSET");
        expectOk("RSET", false);
    }

    /**
     * QUIT: ends the session. From TRANSACTION the server enters UPDATE and removes the messages
     * marked deleted.
     *
     * @return whether the server answered +OK, that is, committed the deletions
     * @throws IOException when the connection fails before the answer: then nothing is known to be deleted
     */
    public boolean quit() throws IOException {
        prepare("QUIT", Pop3State.AUTHORIZATION, Pop3State.TRANSACTION);
        try {
            if (state == Pop3State.TRANSACTION) {
                state = Pop3State.UPDATE;
            }
            channel.send("QUIT");
            Pop3Reply reply = channel.reply();
            if (!reply.ok()) {
                LOG.warn("POP3 server {} answered QUIT with {}: deletions of this session may not be committed",
                        where(), reply.line());
            } else if (pipeliningOnProbe) {
                options.pipeliningMemory().pipelinedSessionSucceeded();
            }
            return reply.ok();
        } finally {
            close();
        }
    }

    /** Closes the connection without QUIT: nothing marked deleted is removed. */
    @Override
    public void close() {
        state = Pop3State.CLOSED;
        Connector.closeQuietly(socket);
    }

    /**
     * Closes the session after the server broke the protocol or the connection failed mid-reply:
     * a late reply could otherwise be taken as the answer to the next command.
     */
    private <E extends IOException> E broken(E failure) {
        if (state != Pop3State.CLOSED) {
            LOG.debug("Closing the POP3 session with {} after: {}", where(), failure.getMessage());
            abandon();
        }
        return failure;
    }

    /** Closes a failed session; one that pipelined on the probe's verdict has the server probed again. */
    private void abandon() {
        if (pipeliningOnProbe) {
            pipeliningOnProbe = false;
            options.pipeliningMemory().pipelinedSessionFailed();
        }
        close();
    }

    private void enterTransaction() {
        state = Pop3State.TRANSACTION;
        capabilities = null;
    }

    private void prepare(String command, Pop3State... allowed) throws IOException {
        boolean ok = false;
        for (Pop3State s : allowed) {
            ok |= s == state;
        }
        if (!ok) {
            throw new IllegalStateException("POP3 " + command + " is not allowed in state " + state
                    + (state == Pop3State.CLOSED ? ": the session is closed" : ""));
        }
        if (channel.awaitingReply() > 0) {
            throw new IllegalStateException("POP3 " + command + " must wait: " + channel.awaitingReply()
                    + " commands sent ahead still wait for their replies (read them with readReply)");
        }
        finishData();
    }

    private void finishData() throws IOException {
        if (openData != null) {
            DotTerminatedInputStream unfinished = openData;
            openData = null;
            unfinished.close();
        }
    }

    private String where() {
        return options.host() + ":" + options.port();
    }

    private void checkPlaintextAllowed(String user) throws Pop3SecurityException {
        checkPlaintextAllowed(isEncrypted(), isLoopback(), options.allowPlaintextPassword(), where(), user);
    }

    static void checkPlaintextAllowed(boolean encrypted, boolean loopback, boolean allowed, String where, String user)
            throws Pop3SecurityException {
        checkPlaintextAllowed(encrypted, loopback, allowed, where, user, "the password");
    }

    /**
     * The clear-text rule: a password goes out as it is only over TLS, to a server on this machine,
     * or when the user accepted the risk.
     *
     * @param user   the user name to name in the refusal, or {@code null}
     * @param secret what would be exposed, for example "the password" or "the access token"
     * @throws Pop3SecurityException when none of these holds
     */
    static void checkPlaintextAllowed(boolean encrypted, boolean loopback, boolean allowed, String where, String user,
            String secret) throws Pop3SecurityException {
        if (encrypted || loopback || allowed) {
            return;
        }
        throw new Pop3SecurityException("Refusing to send " + secret + (user == null ? "" : " of user '" + user + "'")
                + " in clear text to POP3 server " + where + ": the connection is not encrypted. Use security=tls"
                + " (port 995) or security=starttls, or APOP if the server offers it, or set"
                + " allowPlaintextPassword=true to accept that anyone on the network can read the password.");
    }

    private Pop3Reply expectOk(String command, boolean login) throws IOException {
        Pop3Reply reply = channel.reply();
        if (!reply.ok()) {
            throw refusal(command, reply, login);
        }
        return reply;
    }

    private static Pop3ReplyException refusal(String command, Pop3Reply reply, boolean login) {
        ResponseCode code = reply.code();
        if (code == ResponseCode.AUTH || code == null && login) {
            return new Pop3AuthenticationException(command, reply);
        }
        if (code == ResponseCode.SYS_PERM) {
            return new Pop3PermanentFailureException(command, reply);
        }
        if (code != null && code.isTransient()) {
            return new Pop3TemporaryFailureException(command, reply);
        }
        return new Pop3ReplyException(command, reply);
    }

    /** Takes one line of a listing. */
    @FunctionalInterface
    private interface ListingLine {
        void accept(String line) throws IOException;
    }

    /**
     * Reads a listing, handing each line over as it arrives. LIST and UIDL keep only their parsed
     * entries this way: holding all the lines first, then the entries, took about twice the heap,
     * and a hostile listing of a million lines ran a 64 MB heap out of memory on the poll thread,
     * which Camel then stops scheduling for good.
     */
    private void listing(ListingLine each) throws IOException {
        listing(each, MAX_LISTING_LINES, MAX_LISTING_OCTETS, false);
    }

    /** As {@link #listing(ListingLine)}, within the given limits; {@code capa}: the error names a CAPA reply. */
    private void listing(ListingLine each, int maxLines, long maxOctets, boolean capa) throws IOException {
        int count = 0;
        long octets = 0;
        DataBudget budget = channel.listingBudget(capa ? "a CAPA reply" : "a listing");
        for (String line = channel.listingLine(budget); line != null; line = channel.listingLine(budget)) {
            octets += line.length() + 2;
            budget.received(octets);
            if (count == maxLines || octets > maxOctets) {
                throw broken(new Pop3ProtocolException(capa
                        ? "POP3 server sent a CAPA reply of more than " + maxLines + " lines or " + maxOctets
                          + " octets; that is no list of capabilities"
                        : "POP3 server sent a listing of more than " + maxLines + " lines or " + maxOctets
                          + " octets; a maildrop that large is not supported"));
            }
            count++;
            each.accept(line);
        }
    }

    private static String messageNumber(int number) {
        if (number < 1) {
            throw new IllegalArgumentException("POP3 message numbers start at 1, was " + number);
        }
        return Integer.toString(number);
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("The POP3 " + what + " must not be empty");
        }
    }

    private String[] fields(Pop3Reply reply, int count, String command) throws Pop3ProtocolException {
        return fields(reply.text(), count, command);
    }

    /** The first {@code count} space-separated fields; RFC 1939 lets servers add more after them. */
    private String[] fields(String text, int count, String command) throws Pop3ProtocolException {
        String[] words = words(text, count);
        if (words.length < count || words[0].isEmpty()) {
            throw broken(new Pop3ProtocolException("POP3 server sent a malformed " + command + " reply: '"
                    + Pop3Reply.printable(text) + "'"));
        }
        return words;
    }

    /**
     * {@code text} trimmed and split at runs of spaces into at most {@code count} words and the rest, as
     * {@code Pattern.compile(" +").split(text.trim(), count + 1)} does, without the regex machinery that was a few
     * percent of a poll's CPU time on a listing of small messages (it runs for every LIST and UIDL line).
     */
    static String[] words(String text, int count) {
        String line = text.trim();
        if (line.isEmpty()) {
            return new String[] { "" };
        }
        String[] words = new String[count + 1];
        int n = 0;
        int at = 0;
        while (at < line.length()) {
            int space = n < count ? line.indexOf(' ', at) : -1;
            if (space < 0) {
                words[n++] = line.substring(at);
                break;
            }
            words[n++] = line.substring(at, space);
            at = space;
            while (line.charAt(at) == ' ') {
                // trimmed: a space is never the last character
                at++;
            }
        }
        return n == words.length ? words : Arrays.copyOf(words, n);
    }

    private int parseNumber(String word, String command) throws Pop3ProtocolException {
        long value = parseSize(word, command);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw broken(new Pop3ProtocolException("POP3 server sent a " + command + " reply with message number or count "
                    + word + ", outside 1.." + Integer.MAX_VALUE));
        }
        return (int) value;
    }

    /** A number of messages: 0 for an empty maildrop. */
    private int parseCount(String word, String command) throws Pop3ProtocolException {
        long value = parseSize(word, command);
        if (value > Integer.MAX_VALUE) {
            throw broken(new Pop3ProtocolException("POP3 server sent a " + command + " reply with message count " + word
                    + ", outside 0.." + Integer.MAX_VALUE));
        }
        return (int) value;
    }

    private long parseSize(String word, String command) throws Pop3ProtocolException {
        if (word.isEmpty() || word.length() > 18) {
            throw malformedNumber(word, command);
        }
        long value = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c < '0' || c > '9') {
                throw malformedNumber(word, command);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private Pop3ProtocolException malformedNumber(String word, String command) {
        return broken(new Pop3ProtocolException("POP3 server sent a " + command + " reply with '" + Pop3Reply.printable(word)
                + "' where a number was expected"));
    }

    private void requireSameNumber(int asked, String word, String command) throws Pop3ProtocolException {
        if (parseNumber(word, command) != asked) {
            throw broken(new Pop3ProtocolException("POP3 server answered " + command + " " + asked + " about message " + word));
        }
    }

    /** RFC 1939 ids are printable ASCII without space; longer than its 70 characters is tolerated. */
    private String parseUid(String word) throws Pop3ProtocolException {
        String uid = word.split(" ", 2)[0];
        for (int i = 0; i < uid.length(); i++) {
            char c = uid.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw broken(new Pop3ProtocolException("POP3 server sent a unique id with a character outside printable"
                        + " ASCII: '" + Pop3Reply.printable(uid) + "'"));
            }
        }
        return uid;
    }
}
