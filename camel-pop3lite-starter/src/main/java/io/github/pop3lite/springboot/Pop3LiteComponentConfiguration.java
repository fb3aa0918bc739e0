package io.github.pop3lite.springboot;

import io.github.pop3lite.client.AccessTokenProvider;
import io.github.pop3lite.component.Pop3LiteConfiguration;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The pop3lite component's options as {@code camel.component.pop3lite.*} properties. Written by
 * scripts/starter-configuration.py from the component catalog: descriptions and defaults are the
 * catalog's (Pop3LiteStarterMetadataTest keeps them in step). Unknown properties under the prefix
 * fail the application's start instead of being ignored.
 */
@ConfigurationProperties(prefix = "camel.component.pop3lite", ignoreUnknownFields = false)
public class Pop3LiteComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Make the message an AttachmentMessage (camel-attachments) with one attachment per attachment
     * part of the mail (inline images and forwarded mails included), named by its decoded file name,
     * each spooled through the CamelContext's stream caching rather than held in the heap.
     */
    private Boolean attachments = false;

    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any exceptions
     * (if possible) occurred while the Camel consumer is trying to pickup incoming messages, or the
     * likes, will now be processed as a message and handled by the routing Error Handler. Important:
     * This is only possible if the 3rd party component allows Camel to be alerted if an exception was
     * thrown. Some components handle this internally only, and therefore bridgeErrorHandler is not
     * possible. In other situations we may improve the Camel component to hook into the 3rd party
     * component and make this possible for future releases. By default the consumer will use the
     * org.apache.camel.spi.ExceptionHandler to deal with exceptions, that will be logged at WARN or
     * ERROR level and ignored.
     */
    private Boolean bridgeErrorHandler = false;

    /**
     * Delete each message from the server after its Exchange completed successfully. With false (keep
     * mode) the messages stay on the server and the idempotent repository makes sure each is
     * delivered once.
     */
    private Boolean delete = true;

    /**
     * With attachments=true, what to do with an attachment whose name an earlier attachment of the
     * same mail has, as camel-mail's option of that name does. never: leave it out. uuidPrefix: name
     * it uuid_name.ext. uuidSuffix: name it name_uuid.ext.
     */
    private String handleDuplicateAttachmentNames = "uuidSuffix";

    /**
     * Map the message's top-level header fields (Subject, From, To, ...) to Camel headers, with RFC
     * 2047 encoded-words decoded.
     */
    private Boolean mapMailHeaders = true;

    /**
     * What the body is. raw: the message as the server holds it, as a re-readable stream. text: the
     * mail's text as a String, decoded by its charset and transfer encoding (text/plain preferred
     * over text/html, the first text part of a multipart/mixed); the header
     * CamelPop3LiteBodyContentType says which part it is, and the raw message stays in the exchange
     * property CamelPop3LiteRawMessage.
     */
    private String mapMessage = "raw";

    /**
     * Messages larger than this many octets (by the size the server reports) are not downloaded: they
     * stay on the server and are reported once with a WARN log. 0 or less: no limit.
     */
    private Long maxMessageSize = 0L;

    /**
     * The most messages routed in one poll; 0 or less for all.
     */
    private Integer maxMessagesPerPoll = 0;

    /**
     * Claims each message before its route (add), releases the claim when the route failed (remove)
     * and confirms it on success (confirm), under keys that start with the mailboxId and a {code /}
     * and name the UIDL and LIST size (plus a SHA-256 of the message when the UIDL alone does not
     * tell it apart). A routed message is never routed again; if it is still on the server it is
     * deleted (or, with delete=false, left alone). Keys of messages that left the maildrop are
     * forgotten: all of them when the repository implements KeyListingRepository, otherwise those
     * stored in this JVM. Default: an in-memory KeyListingRepository per mailboxId in the JVM, kept
     * across route and CamelContext restarts and forgotten when the JVM stops; use a persistent one
     * to survive that. The option is a org.apache.camel.spi.IdempotentRepository type.
     */
    private IdempotentRepository idempotentRepository;

    /**
     * After a refused login the consumer skips polls: the n-th refusal in a row makes the next login
     * wait delay x 2n (at least 100 ms x 2n), at most this long. The first successful login ends the
     * backoff. Keeps a wrong password or a revoked token from locking the account.
     */
    private Long loginBackoffMaxDelay = 900000L;

    /**
     * Names the mailbox in the idempotent repository's keys; every key of this mailbox starts with it
     * and a {code /}. Default: usernamehost:port. Set it, for example to aliceexample.com, so that
     * changing the host alias, the port or the security mode does not deliver a kept mailbox again,
     * or so that two endpoints reading one maildrop through different hosts share their keys.
     */
    private String mailboxId;

    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must
     * be marked as autowired) by looking up in the registry to find if there is a single instance of
     * matching type, which then gets configured on the component. This can be used for automatic
     * configuring JDBC data sources, JMS connection factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;

    /**
     * Options shared by every endpoint of this component; each endpoint can override them. The option
     * is a io.github.pop3lite.component.Pop3LiteConfiguration type.
     */
    private Pop3LiteConfiguration configuration;

    /**
     * How long to wait for the TCP connection to the server.
     */
    private Long connectTimeout = 30000L;

    /**
     * The slowest, in octets per second, that the server may send a message or a listing: all the
     * waiting for one message may take at most readTimeout plus its octets divided by this rate
     * (16384: a link of 128 kbit/s). With the cut of a message at its announced size (plus 10 % and 4
     * KiB) this bounds how long a poll can take; see docs/security.md.
     */
    private Long minDataRate = 16384L;

    /**
     * When RETR and DELE are sent ahead of their replies, which is what makes the consumer fast at
     * any distance from the server; never before the login. auto: when the server announces
     * PIPELINING, or else when, after the first login, it answers two NOOPs sent in one write
     * promptly (most servers do, without announcing it); the verdict is kept for the endpoint's life,
     * a server that fails it is polled one command at a time, and one that passed is probed again
     * after a poll that failed. announced: only when the server announces PIPELINING. off: one
     * command at a time.
     */
    private String pipelining = "auto";

    /**
     * How long each reply line may take to arrive, as a whole; how long the server may stay silent in
     * the middle of a message or listing; the grace before minDataRate applies; and how long each TLS
     * handshake may take, as a whole.
     */
    private Long readTimeout = 30000L;

    /**
     * Decides which mail header fields become Camel headers (with mapMailHeaders). Default: a
     * MailHeaderFilterStrategy, which keeps ordinary mail fields and drops the names that Camel or a
     * transport would obey (Camel, org.apache.camel., JMS, _AMQ_, kafka., Authorization, Cookie,
     * Host, Content-Length and the like), because whoever sends a mail chooses its header fields. The
     * option is a org.apache.camel.spi.HeaderFilterStrategy type.
     */
    private HeaderFilterStrategy headerFilterStrategy;

    /**
     * Used for enabling or disabling all consumer based health checks from this component
     */
    private Boolean healthCheckConsumerEnabled = true;

    /**
     * Used for enabling or disabling all producer based health checks from this component. Notice:
     * Camel has by default disabled all producer based health-checks. You can turn on producer checks
     * globally by setting camel.health.producersEnabled=true.
     */
    private Boolean healthCheckProducerEnabled = true;

    /**
     * An OAuth 2 access token for xoauth2 or oauthbearer (Microsoft 365, Gmail). Tokens expire within
     * about an hour, so a long-running route should use accessTokenProvider instead. Never logged.
     */
    private String accessToken;

    /**
     * A bean (io.github.pop3lite.client.AccessTokenProvider) asked for the OAuth 2 access token
     * before every login, for xoauth2 or oauthbearer, so that a long-running route always logs in
     * with a fresh token. A failure there fails the poll like a refused login. The option is a
     * io.github.pop3lite.client.AccessTokenProvider type.
     */
    private AccessTokenProvider accessTokenProvider;

    /**
     * Allows sending the password in clear text (USER/PASS without TLS) to a server that is not on
     * this machine. Off by default: such a login is refused with an error that says how to secure it.
     */
    private Boolean allowPlaintextPassword = false;

    /**
     * After a failed APOP, or when the greeting offers no APOP timestamp, try USER/PASS. The clear-
     * text rule still applies to that fallback.
     */
    private Boolean apopFallback = true;

    /**
     * How to log in. auto: the strongest method the server offers (CAPA SASL) that is safe on this
     * connection: SCRAM-SHA-256, SCRAM-SHA-1, then without TLS CRAM-MD5 and APOP, then USER/PASS (or
     * PLAIN, LOGIN when the server lists no USER); with accessToken or accessTokenProvider:
     * OAUTHBEARER, else XOAUTH2. apop: APOP only (see apopFallback). user: USER/PASS. plain, login,
     * cram-md5, scram-sha-1, scram-sha-256: that SASL mechanism with the password. xoauth2,
     * oauthbearer: that SASL mechanism with the access token. A mechanism the server does not offer
     * fails the poll before any credential is sent.
     */
    private String authentication = "auto";

    /**
     * The password (or APOP shared secret). Never logged; use RAW(...) when it contains URI
     * characters.
     */
    private String password;

    /**
     * How the connection is protected. none: plain TCP. starttls: plain TCP upgraded with STLS before
     * login; fails when the server does not offer or refuses STLS. tls: TLS from the first byte (port
     * 995 by default).
     */
    private String security = "none";

    /**
     * The TLS configuration (trust store, key store, protocols) for security=tls or starttls. The
     * option is a org.apache.camel.support.jsse.SSLContextParameters type.
     */
    private SSLContextParameters sslContextParameters;

    /**
     * Use the CamelContext's global SSLContextParameters when the endpoint sets none.
     */
    private Boolean useGlobalSslContextParameters = false;

    /**
     * The user name of the maildrop.
     */
    private String username;

    /**
     * Whether the server's certificate must name the host of the endpoint. Turn off only for tests.
     */
    private Boolean hostnameVerification = true;

    /**
     * Where the first SASL response goes. auto: on the AUTH line (RFC 5034), except XOAUTH2, which
     * goes on a line of its own as Exchange Online requires, and again on the AUTH line if the server
     * refuses that. always: on the AUTH line. never: on a line of its own. A response that would make
     * the AUTH line longer than 255 octets always goes on its own line.
     */
    private String saslInitialResponse = "auto";

    public Boolean getAttachments() {
        return attachments;
    }

    public void setAttachments(Boolean attachments) {
        this.attachments = attachments;
    }

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Boolean getDelete() {
        return delete;
    }

    public void setDelete(Boolean delete) {
        this.delete = delete;
    }

    public String getHandleDuplicateAttachmentNames() {
        return handleDuplicateAttachmentNames;
    }

    public void setHandleDuplicateAttachmentNames(String handleDuplicateAttachmentNames) {
        this.handleDuplicateAttachmentNames = handleDuplicateAttachmentNames;
    }

    public Boolean getMapMailHeaders() {
        return mapMailHeaders;
    }

    public void setMapMailHeaders(Boolean mapMailHeaders) {
        this.mapMailHeaders = mapMailHeaders;
    }

    public String getMapMessage() {
        return mapMessage;
    }

    public void setMapMessage(String mapMessage) {
        this.mapMessage = mapMessage;
    }

    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(Long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Integer getMaxMessagesPerPoll() {
        return maxMessagesPerPoll;
    }

    public void setMaxMessagesPerPoll(Integer maxMessagesPerPoll) {
        this.maxMessagesPerPoll = maxMessagesPerPoll;
    }

    public IdempotentRepository getIdempotentRepository() {
        return idempotentRepository;
    }

    public void setIdempotentRepository(IdempotentRepository idempotentRepository) {
        this.idempotentRepository = idempotentRepository;
    }

    public Long getLoginBackoffMaxDelay() {
        return loginBackoffMaxDelay;
    }

    public void setLoginBackoffMaxDelay(Long loginBackoffMaxDelay) {
        this.loginBackoffMaxDelay = loginBackoffMaxDelay;
    }

    public String getMailboxId() {
        return mailboxId;
    }

    public void setMailboxId(String mailboxId) {
        this.mailboxId = mailboxId;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public Pop3LiteConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(Pop3LiteConfiguration configuration) {
        this.configuration = configuration;
    }

    public Long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Long getMinDataRate() {
        return minDataRate;
    }

    public void setMinDataRate(Long minDataRate) {
        this.minDataRate = minDataRate;
    }

    public String getPipelining() {
        return pipelining;
    }

    public void setPipelining(String pipelining) {
        this.pipelining = pipelining;
    }

    public Long getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Long readTimeout) {
        this.readTimeout = readTimeout;
    }

    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }

    public Boolean getHealthCheckConsumerEnabled() {
        return healthCheckConsumerEnabled;
    }

    public void setHealthCheckConsumerEnabled(Boolean healthCheckConsumerEnabled) {
        this.healthCheckConsumerEnabled = healthCheckConsumerEnabled;
    }

    public Boolean getHealthCheckProducerEnabled() {
        return healthCheckProducerEnabled;
    }

    public void setHealthCheckProducerEnabled(Boolean healthCheckProducerEnabled) {
        this.healthCheckProducerEnabled = healthCheckProducerEnabled;
    }

    public String getAccessToken() {
        return accessToken;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken;
    }

    public AccessTokenProvider getAccessTokenProvider() {
        return accessTokenProvider;
    }

    public void setAccessTokenProvider(AccessTokenProvider accessTokenProvider) {
        this.accessTokenProvider = accessTokenProvider;
    }

    public Boolean getAllowPlaintextPassword() {
        return allowPlaintextPassword;
    }

    public void setAllowPlaintextPassword(Boolean allowPlaintextPassword) {
        this.allowPlaintextPassword = allowPlaintextPassword;
    }

    public Boolean getApopFallback() {
        return apopFallback;
    }

    public void setApopFallback(Boolean apopFallback) {
        this.apopFallback = apopFallback;
    }

    public String getAuthentication() {
        return authentication;
    }

    public void setAuthentication(String authentication) {
        this.authentication = authentication;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getSecurity() {
        return security;
    }

    public void setSecurity(String security) {
        this.security = security;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public Boolean getUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    public void setUseGlobalSslContextParameters(Boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public Boolean getHostnameVerification() {
        return hostnameVerification;
    }

    public void setHostnameVerification(Boolean hostnameVerification) {
        this.hostnameVerification = hostnameVerification;
    }

    public String getSaslInitialResponse() {
        return saslInitialResponse;
    }

    public void setSaslInitialResponse(String saslInitialResponse) {
        this.saslInitialResponse = saslInitialResponse;
    }
}
