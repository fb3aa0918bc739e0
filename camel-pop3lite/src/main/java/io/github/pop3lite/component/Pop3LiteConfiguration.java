package io.github.pop3lite.component;

import java.time.Duration;
import java.util.Locale;

import io.github.pop3lite.client.AuthenticationMethod;
import io.github.pop3lite.client.Security;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.jsse.SSLContextParameters;

/** The options of a pop3lite endpoint. */
@UriParams
public class Pop3LiteConfiguration implements Cloneable {

    @UriPath
    @Metadata(required = true)
    private String host;
    @UriPath
    private int port;

    @UriParam(label = "security", secret = true)
    private String username;
    @UriParam(label = "security", secret = true)
    private String password;
    @UriParam(label = "security", defaultValue = "auto", enums = "auto,apop,user")
    private String authentication = "auto";
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

    @UriParam(label = "consumer", defaultValue = "true")
    private boolean delete = true;
    @UriParam(label = "consumer")
    private int maxMessagesPerPoll;
    @UriParam(label = "consumer")
    private long maxMessageSize;
    @UriParam(label = "consumer", defaultValue = "true")
    private boolean mapMailHeaders = true;
    @UriParam(label = "consumer,advanced")
    private IdempotentRepository idempotentRepository;
    @UriParam(label = "consumer,advanced")
    private String mailboxId;

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
        return parse(AuthenticationMethod.class, "authentication", authentication, "auto, apop or user");
    }

    Security securityMode() {
        return parse(Security.class, "security", security, "none, starttls or tls");
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String value, String choices) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
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
     * How to log in. auto: APOP when the greeting offers a timestamp and the connection is not encrypted,
     * USER/PASS otherwise. apop: APOP only (see apopFallback). user: USER/PASS.
     */
    public void setAuthentication(String authentication) {
        this.authentication = authentication;
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
     * How long one reply line, or one line (up to 64 KiB) of message data, may take to arrive before the poll
     * fails.
     */
    public void setReadTimeout(long readTimeout) {
        this.readTimeout = readTimeout;
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
     * KeyListingRepository, otherwise those stored in this JVM. Default: an in-memory KeyListingRepository of the
     * endpoint, which protects against duplicates within this JVM; use a persistent one to survive restarts.
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

    Duration connectTimeoutDuration() {
        return Duration.ofMillis(connectTimeout);
    }

    Duration readTimeoutDuration() {
        return Duration.ofMillis(readTimeout);
    }
}
