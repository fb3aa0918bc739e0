package io.github.pop3lite.component;

import java.time.Duration;
import java.util.Locale;

import io.github.pop3lite.client.AccessTokenProvider;
import io.github.pop3lite.client.AuthenticationMethod;
import io.github.pop3lite.client.SaslInitialResponse;
import io.github.pop3lite.client.Pipelining;
import io.github.pop3lite.client.Pop3ClientOptions;
import io.github.pop3lite.client.Security;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.jsse.SSLContextParameters;

/** The options of a pop3lite endpoint. */
@UriParams
public class Pop3LiteConfiguration implements Cloneable {

    private static final HeaderFilterStrategy DEFAULT_HEADER_FILTER = new MailHeaderFilterStrategy();

    @UriPath
    @Metadata(required = true)
    private String host;
    @UriPath
    private int port;

    @UriParam(label = "security", secret = true)
    private String username;
    @UriParam(label = "security", secret = true)
    private String password;
    @UriParam(label = "security", defaultValue = "auto",
              enums = "auto,apop,user,plain,login,cram-md5,scram-sha-1,scram-sha-256,xoauth2,oauthbearer")
    private String authentication = "auto";
    @UriParam(label = "security", secret = true)
    private String accessToken;
    @UriParam(label = "security")
    private AccessTokenProvider accessTokenProvider;
    @UriParam(label = "security,advanced", defaultValue = "auto", enums = "auto,always,never")
    private String saslInitialResponse = "auto";
    @UriParam(label = "consumer,advanced", defaultValue = "900000", javaType = "java.time.Duration")
    private long loginBackoffMaxDelay = 900_000;
    @UriParam(label = "security", defaultValue = "true")
    private boolean apopFallback = true;
    @UriParam(label = "security", defaultValue = "false")
    private boolean allowPlaintextPassword;
    @UriParam(label = "security", defaultValue = "none", enums = "none,starttls,tls")
    private String security = "none";
    @UriParam(label = "security")
    private SSLContextParameters sslContextParameters;
    @UriParam(label = "security,advanced", defaultValue = "true")
    private boolean hostnameVerification = true;

    @UriParam(label = "advanced", defaultValue = "30000", javaType = "java.time.Duration")
    private long connectTimeout = 30_000;
    @UriParam(label = "advanced", defaultValue = "30000", javaType = "java.time.Duration")
    private long readTimeout = 30_000;
    @UriParam(label = "advanced", defaultValue = "16384")
    private long minDataRate = Pop3ClientOptions.DEFAULT_MIN_DATA_RATE;

    @UriParam(label = "consumer", defaultValue = "true")
    private boolean delete = true;
    @UriParam(label = "consumer", defaultValue = "0")
    private int maxMessagesPerPoll;
    @UriParam(label = "consumer", defaultValue = "0")
    private long maxMessageSize;
    @UriParam(label = "consumer", defaultValue = "true")
    private boolean mapMailHeaders = true;
    @UriParam(label = "consumer,advanced")
    private IdempotentRepository idempotentRepository;
    @UriParam(label = "consumer,advanced")
    private String mailboxId;
    @UriParam(label = "consumer", defaultValue = "raw", enums = "raw,text")
    private String mapMessage = "raw";
    @UriParam(label = "consumer", defaultValue = "false")
    private boolean attachments;
    @UriParam(label = "consumer", defaultValue = "uuidSuffix", enums = "never,uuidPrefix,uuidSuffix")
    private String handleDuplicateAttachmentNames = "uuidSuffix";
    @UriParam(label = "advanced", defaultValue = "auto", enums = "auto,announced,off")
    private String pipelining = "auto";
    @UriParam(label = "filter")
    private HeaderFilterStrategy headerFilterStrategy;

    public Pop3LiteConfiguration copy() {
        try {
            return (Pop3LiteConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /**
     * Reads {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port} from the endpoint's path.
     */
    void setHostAndPort(String remaining) {
        String hostPart = remaining;
        String portPart = null;
        if (remaining.startsWith("[")) {
            int close = remaining.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("pop3lite: IPv6 address '" + remaining + "' lacks its closing ']'");
            }
            hostPart = remaining.substring(1, close);
            if (close + 1 < remaining.length()) {
                if (remaining.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("pop3lite: expected ':port' after '" + remaining.substring(0, close + 1)
                                                       + "', found '" + remaining.substring(close + 1) + "'");
                }
                portPart = remaining.substring(close + 2);
            }
        } else {
            int colon = remaining.indexOf(':');
            if (colon >= 0) {
                if (remaining.indexOf(':', colon + 1) >= 0) {
                    throw new IllegalArgumentException("pop3lite: write an IPv6 address in brackets, for example"
                                                       + " pop3lite:[::1]:110 (was '" + remaining + "')");
                }
                hostPart = remaining.substring(0, colon);
                portPart = remaining.substring(colon + 1);
            }
        }
        if (hostPart.isBlank()) {
            throw new IllegalArgumentException("pop3lite: the endpoint needs a host, for example pop3lite:mail.example.com");
        }
        host = hostPart;
        if (portPart != null && !portPart.isEmpty()) {
            try {
                setPort(Integer.parseInt(portPart));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pop3lite: port '" + portPart + "' is not a number");
            }
        }
    }

    AuthenticationMethod authenticationMethod() {
        return parse(AuthenticationMethod.class, "authentication", authentication,
                "auto, apop, user, plain, login, cram-md5, scram-sha-1, scram-sha-256, xoauth2 or oauthbearer");
    }

    SaslInitialResponse saslInitialResponseMode() {
        return parse(SaslInitialResponse.class, "saslInitialResponse", saslInitialResponse, "auto, always or never");
    }

    Security securityMode() {
        return parse(Security.class, "security", security, "none, starttls or tls");
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String value, String choices) {
        try {
            // cram-md5 names CRAM_MD5
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("pop3lite: unknown " + option + " '" + value + "': use " + choices);
        }
    }

    /** The port to connect to: the one given, or 110 (995 with security=tls). */
    int effectivePort() {
        return port > 0 ? port : securityMode().defaultPort();
    }

    public String getHost() {
        return host;
    }

    /** The POP3 server: a host name, an IPv4 address, or an IPv6 address in brackets. */
    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    /** The server's port. Default 110, or 995 with security=tls. */
    public void setPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("pop3lite: port must be between 1 and 65535, was " + port);
        }
        this.port = port;
    }

    public String getUsername() {
        return username;
    }

    /** The user name of the maildrop. */
    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    /** The password (or APOP shared secret). Never logged; use RAW(...) when it contains URI characters. */
    public void setPassword(String password) {
        this.password = password;
    }

    public String getAuthentication() {
        return authentication;
    }

    /**
     * How to log in. auto: the strongest method the server offers (CAPA SASL) that is safe on this connection:
     * SCRAM-SHA-256, SCRAM-SHA-1, then without TLS CRAM-MD5 and APOP, then USER/PASS (or PLAIN, LOGIN when the
     * server lists no USER); with accessToken or accessTokenProvider: OAUTHBEARER, else XOAUTH2. apop: APOP only
     * (see apopFallback). user: USER/PASS. plain, login, cram-md5, scram-sha-1, scram-sha-256: that SASL mechanism
     * with the password. xoauth2, oauthbearer: that SASL mechanism with the access token. A mechanism the server
     * does not offer fails the poll before any credential is sent.
     */
    public void setAuthentication(String authentication) {
        this.authentication = authentication;
    }

    public String getAccessToken() {
        return accessToken;
    }

    /**
     * An OAuth 2 access token for xoauth2 or oauthbearer (Microsoft 365, Gmail). Tokens expire within about an
     * hour, so a long-running route should use accessTokenProvider instead. Never logged.
     */
    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken;
    }

    public AccessTokenProvider getAccessTokenProvider() {
        return accessTokenProvider;
    }

    /**
     * A bean (io.github.pop3lite.client.AccessTokenProvider) asked for the OAuth 2 access token before every login,
     * for xoauth2 or oauthbearer, so that a long-running route always logs in with a fresh token. A failure there
     * fails the poll like a refused login.
     */
    public void setAccessTokenProvider(AccessTokenProvider accessTokenProvider) {
        this.accessTokenProvider = accessTokenProvider;
    }

    public String getSaslInitialResponse() {
        return saslInitialResponse;
    }

    /**
     * Where the first SASL response goes. auto: on the AUTH line (RFC 5034), except XOAUTH2, which goes on a line of
     * its own as Exchange Online requires, and again on the AUTH line if the server refuses that. always: on the
     * AUTH line. never: on a line of its own. A response that would make the AUTH line longer than 255 octets always
     * goes on its own line.
     */
    public void setSaslInitialResponse(String saslInitialResponse) {
        this.saslInitialResponse = saslInitialResponse;
    }

    public long getLoginBackoffMaxDelay() {
        return loginBackoffMaxDelay;
    }

    /**
     * After a refused login the consumer skips polls: the n-th refusal in a row makes the next login wait delay x
     * 2^n (at least 100 ms x 2^n), at most this long. The first successful login ends the backoff. Keeps a wrong
     * password or a revoked token from locking the account.
     */
    public void setLoginBackoffMaxDelay(long loginBackoffMaxDelay) {
        if (loginBackoffMaxDelay < 0) {
            throw new IllegalArgumentException("pop3lite: loginBackoffMaxDelay must not be negative, was "
                                               + loginBackoffMaxDelay);
        }
        this.loginBackoffMaxDelay = loginBackoffMaxDelay;
    }

    /** Whether the login uses an access token rather than the password. */
    boolean usesAccessToken() {
        AuthenticationMethod method = authenticationMethod();
        return method.usesAccessToken()
               || method == AuthenticationMethod.AUTO && (accessToken != null || accessTokenProvider != null);
    }

    public boolean isApopFallback() {
        return apopFallback;
    }

    /**
     * After a failed APOP, or when the greeting offers no APOP timestamp, try USER/PASS. The clear-text rule
     * still applies to that fallback.
     */
    public void setApopFallback(boolean apopFallback) {
        this.apopFallback = apopFallback;
    }

    public boolean isAllowPlaintextPassword() {
        return allowPlaintextPassword;
    }

    /**
     * Allows sending the password in clear text (USER/PASS without TLS) to a server that is not on this machine.
     * Off by default: such a login is refused with an error that says how to secure it.
     */
    public void setAllowPlaintextPassword(boolean allowPlaintextPassword) {
        this.allowPlaintextPassword = allowPlaintextPassword;
    }

    public String getSecurity() {
        return security;
    }

    /**
     * How the connection is protected. none: plain TCP. starttls: plain TCP upgraded with STLS before login; fails
     * when the server does not offer or refuses STLS. tls: TLS from the first byte (port 995 by default).
     */
    public void setSecurity(String security) {
        this.security = security;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    /** The TLS configuration (trust store, key store, protocols) for security=tls or starttls. */
    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public boolean isHostnameVerification() {
        return hostnameVerification;
    }

    /** Whether the server's certificate must name the host of the endpoint. Turn off only for tests. */
    public void setHostnameVerification(boolean hostnameVerification) {
        this.hostnameVerification = hostnameVerification;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    /** How long to wait for the TCP connection to the server. */
    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getReadTimeout() {
        return readTimeout;
    }

    /**
     * How long each reply line may take to arrive, as a whole; how long the server may stay silent in the middle of a
     * message or listing; the grace before minDataRate applies; and how long each TLS handshake may take, as a whole.
     */
    public void setReadTimeout(long readTimeout) {
        this.readTimeout = readTimeout;
    }

    public long getMinDataRate() {
        return minDataRate;
    }

    /**
     * The slowest, in octets per second, that the server may send a message or a listing: all the waiting for one
     * message may take at most readTimeout plus its octets divided by this rate (16384: a link of 128 kbit/s). With
     * the cut of a message at its announced size (plus 10 % and 4 KiB) this bounds how long a poll can take; see
     * docs/security.md.
     */
    public void setMinDataRate(long minDataRate) {
        this.minDataRate = minDataRate;
    }

    public boolean isDelete() {
        return delete;
    }

    /**
     * Delete each message from the server after its Exchange completed successfully. With false (keep mode) the
     * messages stay on the server and the idempotent repository makes sure each is delivered once.
     */
    public void setDelete(boolean delete) {
        this.delete = delete;
    }

    public int getMaxMessagesPerPoll() {
        return maxMessagesPerPoll;
    }

    /** The most messages routed in one poll; 0 or less for all. */
    public void setMaxMessagesPerPoll(int maxMessagesPerPoll) {
        this.maxMessagesPerPoll = maxMessagesPerPoll;
    }

    public long getMaxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Messages larger than this many octets (by the size the server reports) are not downloaded: they stay on the
     * server and are reported once with a WARN log. 0 or less: no limit.
     */
    public void setMaxMessageSize(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public boolean isMapMailHeaders() {
        return mapMailHeaders;
    }

    /**
     * Map the message's top-level header fields (Subject, From, To, ...) to Camel headers, with RFC 2047
     * encoded-words decoded.
     */
    public void setMapMailHeaders(boolean mapMailHeaders) {
        this.mapMailHeaders = mapMailHeaders;
    }

    public IdempotentRepository getIdempotentRepository() {
        return idempotentRepository;
    }

    /**
     * Claims each message before its route (add), releases the claim when the route failed (remove) and confirms
     * it on success (confirm), under keys that start with the mailboxId and a {@code /} and name the UIDL and LIST
     * size (plus a SHA-256 of the message when the UIDL alone does not tell it apart). A routed message is never
     * routed again; if it is still on the server it is deleted (or, with delete=false, left alone). Keys of
     * messages that left the maildrop are forgotten: all of them when the repository implements
     * KeyListingRepository, otherwise those stored in this JVM. Default: an in-memory KeyListingRepository per
     * mailboxId in the JVM, kept across route and CamelContext restarts and forgotten when the JVM stops; use a
     * persistent one to survive that.
     */
    public void setIdempotentRepository(IdempotentRepository idempotentRepository) {
        this.idempotentRepository = idempotentRepository;
    }

    public String getMailboxId() {
        return mailboxId;
    }

    /**
     * Names the mailbox in the idempotent repository's keys; every key of this mailbox starts with it and a
     * {@code /}. Default: username@host:port. Set it, for example to alice@example.com, so that changing the host
     * alias, the port or the security mode does not deliver a kept mailbox again, or so that two endpoints reading
     * one maildrop through different hosts share their keys.
     */
    public void setMailboxId(String mailboxId) {
        this.mailboxId = mailboxId;
    }

    /** The mailbox prefix of the keys, without its {@code /}. */
    String mailboxId() {
        return mailboxId != null && !mailboxId.isBlank() ? mailboxId : username + "@" + server();
    }

    /** host:port as shown in logs and keys; an IPv6 literal in brackets, or its last group reads like the port. */
    String server() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + effectivePort();
    }

    public String getMapMessage() {
        return mapMessage;
    }

    /**
     * What the body is. raw: the message as the server holds it, as a re-readable stream. text: the mail's text as a
     * String, decoded by its charset and transfer encoding (text/plain preferred over text/html, the first text part
     * of a multipart/mixed); the header CamelPop3LiteBodyContentType says which part it is, and the raw message stays
     * in the exchange property CamelPop3LiteRawMessage.
     */
    public void setMapMessage(String mapMessage) {
        this.mapMessage = mapMessage;
    }

    public boolean isAttachments() {
        return attachments;
    }

    /**
     * Make the message an AttachmentMessage (camel-attachments) with one attachment per attachment part of the mail
     * (inline images and forwarded mails included), named by its decoded file name, each spooled through the
     * CamelContext's stream caching rather than held in the heap.
     */
    public void setAttachments(boolean attachments) {
        this.attachments = attachments;
    }

    public String getHandleDuplicateAttachmentNames() {
        return handleDuplicateAttachmentNames;
    }

    /**
     * With attachments=true, what to do with an attachment whose name an earlier attachment of the same mail has, as
     * camel-mail's option of that name does. never: leave it out. uuidPrefix: name it uuid_name.ext. uuidSuffix:
     * name it name_uuid.ext.
     */
    public void setHandleDuplicateAttachmentNames(String handleDuplicateAttachmentNames) {
        this.handleDuplicateAttachmentNames = handleDuplicateAttachmentNames;
    }

    /** Whether mapMessage asks for the text body; fails on an unknown value. */
    boolean textBody() {
        return switch (mapMessage == null ? "" : mapMessage.trim().toLowerCase(Locale.ROOT)) {
            case "raw" -> false;
            case "text" -> true;
            default -> throw new IllegalArgumentException("pop3lite: unknown mapMessage '" + mapMessage + "': use raw or text");
        };
    }

    public String getPipelining() {
        return pipelining;
    }

    /**
     * When RETR and DELE are sent ahead of their replies, which is what makes the consumer fast at any distance
     * from the server; never before the login. auto: when the server announces PIPELINING, or else when, after
     * the first login, it answers two NOOPs sent in one write promptly (most servers do, without announcing it);
     * the verdict is kept for the endpoint's life, a server that fails it is polled one command at a time, and
     * one that passed is probed again after a poll that failed. announced: only when the server announces
     * PIPELINING. off: one command at a time.
     */
    public void setPipelining(String pipelining) {
        // checked here, so that a typo fails the endpoint's creation rather than every poll
        parse(Pipelining.class, "pipelining", pipelining, "auto, announced or off");
        this.pipelining = pipelining;
    }

    Pipelining pipeliningMode() {
        return parse(Pipelining.class, "pipelining", pipelining, "auto, announced or off");
    }

    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    /**
     * Decides which mail header fields become Camel headers (with mapMailHeaders). Default: a MailHeaderFilterStrategy,
     * which keeps ordinary mail fields and drops the names that Camel or a transport would obey (Camel*,
     * org.apache.camel.*, JMS*, _AMQ_*, kafka.*, Authorization, Cookie, Host, Content-Length and the like), because
     * whoever sends a mail chooses its header fields.
     */
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }

    /** The filter in force: the one given, or the default. */
    HeaderFilterStrategy headerFilter() {
        return headerFilterStrategy != null ? headerFilterStrategy : DEFAULT_HEADER_FILTER;
    }

    Duration connectTimeoutDuration() {
        return Duration.ofMillis(connectTimeout);
    }

    Duration readTimeoutDuration() {
        return Duration.ofMillis(readTimeout);
    }
}
