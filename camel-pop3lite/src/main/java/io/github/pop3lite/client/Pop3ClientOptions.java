package io.github.pop3lite.client;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Everything a {@link Pop3Client} needs to know before it connects. Immutable; build one with
 * {@link #builder(String)}.
 */
public final class Pop3ClientOptions {

    /** 16 KiB per second: a link of 128 kbit/s. */
    public static final long DEFAULT_MIN_DATA_RATE = 16 * 1024;

    private final String host;
    private final int port;
    private final Security security;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long minDataRate;
    private final SSLContext sslContext;
    private final boolean hostnameVerification;
    private final AuthenticationMethod authentication;
    private final boolean apopFallback;
    private final boolean allowPlaintextPassword;
    private final SaslInitialResponse saslInitialResponse;
    private final Pipelining pipelining;
    private final PipeliningMemory pipeliningMemory;
    private final Duration pipeliningProbeTimeout;

    private Pop3ClientOptions(Builder b) {
        this.host = b.host;
        this.security = b.security;
        this.port = b.port > 0 ? b.port : b.security.defaultPort();
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.minDataRate = b.minDataRate;
        this.sslContext = b.sslContext;
        this.hostnameVerification = b.hostnameVerification;
        this.authentication = b.authentication;
        this.apopFallback = b.apopFallback;
        this.allowPlaintextPassword = b.allowPlaintextPassword;
        this.saslInitialResponse = b.saslInitialResponse;
        this.pipelining = b.pipelining;
        this.pipeliningMemory = b.pipeliningMemory != null ? b.pipeliningMemory : new PipeliningMemory();
        this.pipeliningProbeTimeout = b.pipeliningProbeTimeout;
    }

    /**
     * @param host a host name, an IPv4 address or an IPv6 address (with or without brackets)
     */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Security security() {
        return security;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** The TLS context, or {@code null} for the JVM's default one. */
    /**
     * Octets per second that multi-line data (a message, a listing) must average, after a first
     * {@link #readTimeout()} of grace; see {@link Builder#minDataRate(long)}.
     */
    public long minDataRate() {
        return minDataRate;
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    public AuthenticationMethod authentication() {
        return authentication;
    }

    public boolean apopFallback() {
        return apopFallback;
    }

    public boolean allowPlaintextPassword() {
        return allowPlaintextPassword;
    }

    public SaslInitialResponse saslInitialResponse() {
        return saslInitialResponse;
    }

    public Pipelining pipelining() {
        return pipelining;
    }

    /** What the pipelining probe found out about the server, shared by the sessions of these options. */
    public PipeliningMemory pipeliningMemory() {
        return pipeliningMemory;
    }

    public Duration pipeliningProbeTimeout() {
        return pipeliningProbeTimeout;
    }

    public static final class Builder {
        private final String host;
        private int port;
        private Security security = Security.NONE;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofSeconds(30);
        private long minDataRate = DEFAULT_MIN_DATA_RATE;
        private SSLContext sslContext;
        private boolean hostnameVerification = true;
        private AuthenticationMethod authentication = AuthenticationMethod.AUTO;
        private boolean apopFallback = true;
        private boolean allowPlaintextPassword;
        private SaslInitialResponse saslInitialResponse = SaslInitialResponse.AUTO;
        private Pipelining pipelining = Pipelining.AUTO;
        private PipeliningMemory pipeliningMemory;
        private Duration pipeliningProbeTimeout = Duration.ofSeconds(1);

        private Builder(String host) {
            Objects.requireNonNull(host, "host");
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            if (bare.isBlank()) {
                throw new IllegalArgumentException("POP3 host must not be empty");
            }
            this.host = bare;
        }

        /** The server's port; 0 (the default) means 110, or 995 with {@link Security#TLS}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("POP3 port must be between 1 and 65535 (or 0 for the default), was " + port);
            }
            this.port = port;
            return this;
        }

        public Builder security(Security security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long one reply line, or one buffer of message data, may take to arrive. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * The slowest a server may send the data of a message or a listing, in octets per second
         * (default {@value Pop3ClientOptions#DEFAULT_MIN_DATA_RATE}, 128 kbit/s). The time spent waiting
         * for the data, in all, may be at most readTimeout plus the octets received so far divided by this
         * rate; and, as for every read, no single wait may be longer than readTimeout. So a server that
         * trickles data just fast enough to keep the connection alive is cut off all the same.
         */
        public Builder minDataRate(long octetsPerSecond) {
            if (octetsPerSecond < 1) {
                throw new IllegalArgumentException("minDataRate must be at least 1 octet per second, was " + octetsPerSecond);
            }
            this.minDataRate = octetsPerSecond;
            return this;
        }

        /** The TLS context for TLS and STARTTLS; {@code null} for the JVM's default. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** Whether the server's certificate must name the host we connect to. On by default. */
        public Builder hostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        public Builder authentication(AuthenticationMethod authentication) {
            this.authentication = Objects.requireNonNull(authentication, "authentication");
            return this;
        }

        /** After a refused APOP, try USER/PASS (still under the clear-text rule). On by default. */
        public Builder apopFallback(boolean fallback) {
            this.apopFallback = fallback;
            return this;
        }

        /** Allows sending a password in clear text to a host that is not loopback. Off by default. */
        public Builder allowPlaintextPassword(boolean allow) {
            this.allowPlaintextPassword = allow;
            return this;
        }

        /** Where the first SASL response goes; {@link SaslInitialResponse#AUTO} by default. */
        public Builder saslInitialResponse(SaslInitialResponse mode) {
            this.saslInitialResponse = Objects.requireNonNull(mode, "saslInitialResponse");
            return this;
        }

        /** When commands may be sent ahead of their replies; {@link Pipelining#AUTO} by default. */
        public Builder pipelining(Pipelining pipelining) {
            this.pipelining = Objects.requireNonNull(pipelining, "pipelining");
            return this;
        }

        /**
         * Where the verdict of the pipelining probe is kept: pass the same one to every session with a
         * server, so that it is probed once. By default each built options object has its own.
         */
        public Builder pipeliningMemory(PipeliningMemory memory) {
            this.pipeliningMemory = Objects.requireNonNull(memory, "pipeliningMemory");
            return this;
        }

        /** How soon after the first NOOP's reply the probe wants the second one; 1 second by default. */
        public Builder pipeliningProbeTimeout(Duration timeout) {
            this.pipeliningProbeTimeout = positive(timeout, "pipeliningProbeTimeout");
            return this;
        }

        public Pop3ClientOptions build() {
            return new Pop3ClientOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be a positive duration of at most "
                        + Integer.MAX_VALUE + " ms, was " + d);
            }
            return d;
        }
    }
}
