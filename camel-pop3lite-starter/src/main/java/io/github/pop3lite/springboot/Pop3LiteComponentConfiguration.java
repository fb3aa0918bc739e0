package io.github.pop3lite.springboot;

import io.github.pop3lite.component.Pop3LiteConfiguration;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The pop3lite component's options as {@code camel.component.pop3lite.*} properties. Descriptions and
 * defaults are those of the component catalog (Pop3LiteStarterMetadataTest keeps them in step).
 * Unknown properties under the prefix fail the application's start instead of being ignored.
 */
@ConfigurationProperties(prefix = "camel.component.pop3lite", ignoreUnknownFields = false)
public class Pop3LiteComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Allows for bridging the consumer to the Camel routing Error Handler, which mean any
     * exceptions (if possible) occurred while the Camel consumer is trying to pickup incoming
     * messages, or the likes, will now be processed as a message and handled by the routing Error
     * Handler. Important: This is only possible if the 3rd party component allows Camel to be
     * alerted if an exception was thrown. Some components handle this internally only, and
     * therefore bridgeErrorHandler is not possible. In other situations we may improve the Camel
     * component to hook into the 3rd party component and make this possible for future releases.
     * By default the consumer will use the org.apache.camel.spi.ExceptionHandler to deal with
     * exceptions, that will be logged at WARN or ERROR level and ignored.
     */
    private Boolean bridgeErrorHandler = false;

    /**
     * Delete each message from the server after its Exchange completed successfully. With false
     * (keep mode) the messages stay on the server and the idempotent repository makes sure each is
     * delivered once.
     */
    private Boolean delete = true;

    /**
     * Map the message's top-level header fields (Subject, From, To, ...) to Camel headers, with
     * RFC 2047 encoded-words decoded.
     */
    private Boolean mapMailHeaders = true;

    /**
     * Messages larger than this many octets (by the size the server reports) are not downloaded:
     * they stay on the server and are reported once with a WARN log. 0 or less: no limit.
     */
    private Long maxMessageSize = 0L;

    /**
     * The most messages routed in one poll; 0 or less for all.
     */
    private Integer maxMessagesPerPoll = 0;

    /**
     * Remembers which messages were routed successfully, keyed by the server's UIDL scoped by
     * user, host and port (or by a SHA-256 of the message when the server has no UIDL). Such a
     * message is never routed again; if it is still on the server it is deleted (or, with
     * delete=false, left alone). Default: an in-memory repository, which protects against
     * duplicates within this JVM; use a persistent one to survive restarts. The option is a
     * org.apache.camel.spi.IdempotentRepository type.
     */
    private IdempotentRepository idempotentRepository;

    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option
     * must be marked as autowired) by looking up in the registry to find if there is a single
     * instance of matching type, which then gets configured on the component. This can be used for
     * automatic configuring JDBC data sources, JMS connection factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;

    /**
     * Options shared by every endpoint of this component; each endpoint can override them. The
     * option is a io.github.pop3lite.component.Pop3LiteConfiguration type.
     */
    private Pop3LiteConfiguration configuration;

    /**
     * How long to wait for the TCP connection to the server.
     */
    private Long connectTimeout = 30000L;

    /**
     * How long one reply line, or one line (up to 64 KiB) of message data, may take to arrive
     * before the poll fails.
     */
    private Long readTimeout = 30000L;

    /**
     * Used for enabling or disabling all consumer based health checks from this component
     */
    private Boolean healthCheckConsumerEnabled = true;

    /**
     * Used for enabling or disabling all producer based health checks from this component. Notice:
     * Camel has by default disabled all producer based health-checks. You can turn on producer
     * checks globally by setting camel.health.producersEnabled=true.
     */
    private Boolean healthCheckProducerEnabled = true;

    /**
     * Allows sending the password in clear text (USER/PASS without TLS) to a server that is not on
     * this machine. Off by default: such a login is refused with an error that says how to secure
     * it.
     */
    private Boolean allowPlaintextPassword = false;

    /**
     * After a failed APOP, or when the greeting offers no APOP timestamp, try USER/PASS. The
     * clear-text rule still applies to that fallback.
     */
    private Boolean apopFallback = true;

    /**
     * How to log in. auto: APOP when the greeting offers a timestamp and the connection is not
     * encrypted, USER/PASS otherwise. apop: APOP only (see apopFallback). user: USER/PASS.
     */
    private String authentication = "auto";

    /**
     * The password (or APOP shared secret). Never logged; use RAW(...) when it contains URI
     * characters.
     */
    private String password;

    /**
     * How the connection is protected. none: plain TCP. starttls: plain TCP upgraded with STLS
     * before login; fails when the server does not offer or refuses STLS. tls: TLS from the first
     * byte (port 995 by default).
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
     * Whether the server's certificate must name the host of the endpoint. Turn off only for
     * tests.
     */
    private Boolean hostnameVerification = true;

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

    public Boolean getMapMailHeaders() {
        return mapMailHeaders;
    }

    public void setMapMailHeaders(Boolean mapMailHeaders) {
        this.mapMailHeaders = mapMailHeaders;
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

    public Long getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Long readTimeout) {
        this.readTimeout = readTimeout;
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
}
