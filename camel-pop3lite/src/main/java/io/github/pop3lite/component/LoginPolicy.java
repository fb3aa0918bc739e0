package io.github.pop3lite.component;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.pop3lite.client.AccessTokenProvider;
import io.github.pop3lite.client.AuthenticationMethod;
import io.github.pop3lite.client.Capabilities;
import io.github.pop3lite.client.Pop3AccessTokenException;
import io.github.pop3lite.client.Pop3AuthenticationException;
import io.github.pop3lite.client.Pop3Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How and when the consumer logs in. How: with the access token (accessTokenProvider, else
 * accessToken) or the password, and with authentication=auto after asking the server's CAPA, so that
 * the engine can pick the strongest mechanism it offers. When: so so that it keeps to the server's rules and does not get the
 * account locked:
 * <ul>
 * <li>after a refused login (wrong password, revoked token, failing token provider) the next
 * login waits {@code delay × 2^n} after the n-th refusal in a row (at least 100 ms × 2^n), at most
 * {@code loginBackoffMaxDelay}; the first login that succeeds ends the backoff;</li>
 * <li>a server that announces {@code LOGIN-DELAY n} (RFC 2449) gets at least n seconds between the
 * start of two logins, whatever {@code delay} says; that is logged once at INFO;</li>
 * <li>a server that announces {@code EXPIRE 0} or {@code EXPIRE n} with {@code delete=false}
 * removes the mail anyway: that is logged once at WARN.</li>
 * </ul>
 * Polls that come too early are skipped without connecting. Used by the poll thread only.
 */
final class LoginPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3LiteConsumer.class);

    private static final long MIN_BACKOFF_BASE_MILLIS = 100;

    private final Pop3LiteConfiguration config;
    private final String source;
    private final String server;
    private final long pollDelayMillis;
    private final long maxBackoffMillis;
    private final boolean delete;
    private final LongSupplier nanoClock;

    private int failures;
    /** The failure of the last refused login, thrown again by the polls skipped while backing off. */
    private Pop3LiteException refusal;
    /** The earliest next login after failures, in the clock's nanoseconds; valid when failures > 0. */
    private long backoffUntil;
    private boolean loggedInOnce;
    private long lastLogin;
    private long loginDelayMillis;
    private String expireReported;

    /**
     * @param source    names the consumer in log lines
     * @param server    host:port, for error messages
     * @param nanoClock {@link System#nanoTime()}, or a test's clock
     */
    LoginPolicy(Pop3LiteConfiguration config, String source, String server, long pollDelayMillis,
                LongSupplier nanoClock) {
        this.config = config;
        this.source = source;
        this.server = server;
        this.maxBackoffMillis = config.getLoginBackoffMaxDelay();
        this.delete = config.isDelete();
        this.pollDelayMillis = pollDelayMillis;
        this.nanoClock = nanoClock;
    }

    /** Fails the route's start when the credentials cannot make a login as the options ask for. */
    static void validate(Pop3LiteConfiguration config) {
        String user = config.getUsername();
        if (config.getAccessToken() != null && config.getAccessTokenProvider() != null) {
            throw new IllegalArgumentException("pop3lite: give accessToken or accessTokenProvider for user '" + user
                                               + "', not both");
        }
        boolean hasToken = config.getAccessToken() != null || config.getAccessTokenProvider() != null;
        AuthenticationMethod method = config.authenticationMethod();
        if (method.usesAccessToken() && !hasToken) {
            throw new IllegalArgumentException("pop3lite: authentication=" + config.getAuthentication() + " logs in"
                                               + " with an OAuth 2 access token: set accessTokenProvider=#bean (or"
                                               + " accessToken=RAW(...)) for user '" + user + "'");
        }
        if (hasToken && !config.usesAccessToken()) {
            throw new IllegalArgumentException("pop3lite: authentication=" + config.getAuthentication() + " logs in"
                                               + " with a password, but user '" + user + "' has an access token: use"
                                               + " authentication=xoauth2, oauthbearer or auto");
        }
        if (!config.usesAccessToken() && config.getPassword() == null) {
            throw new IllegalArgumentException("pop3lite: the password option is required for user '" + user
                                               + "'; write it as password=RAW(...) when it contains characters such"
                                               + " as + or &, or give accessTokenProvider for OAuth 2 (Microsoft 365,"
                                               + " Gmail)");
        }
    }

    /**
     * Whether a login is due now; when not, the poll is skipped without connecting.
     *
     * @throws Pop3LiteException the last refusal again while backing off from it, so that the route's health
     *                           stays DOWN (the failure logger reports the same message only once)
     */
    boolean loginDue() throws Pop3LiteException {
        long now = nanoClock.getAsLong();
        if (failures > 0 && now - backoffUntil < 0) {
            LOG.debug("{}: skipping this poll, the next login after {} refused logins is due in {} ms", source,
                    failures, TimeUnit.NANOSECONDS.toMillis(backoffUntil - now));
            throw refusal;
        }
        if (loggedInOnce && loginDelayMillis > 0 && now - lastLogin < TimeUnit.MILLISECONDS.toNanos(loginDelayMillis)) {
            LOG.debug("{}: skipping this poll to keep the server's LOGIN-DELAY of {} s", source, loginDelayMillis / 1000);
            return false;
        }
        return true;
    }

    /**
     * Logs the session in, and records the outcome: a refused login (or a failing token provider)
     * starts or extends the backoff, a successful one ends it.
     */
    void login(Pop3Client client) throws IOException, Pop3LiteException {
        try {
            if (config.authenticationMethod() == AuthenticationMethod.AUTO) {
                client.capabilities();
            }
            if (config.usesAccessToken()) {
                AccessTokenProvider provider = config.getAccessTokenProvider();
                String token = config.getAccessToken();
                client.login(config.getUsername(), provider != null ? provider : user -> token);
            } else {
                client.login(config.getUsername(), config.getPassword());
            }
        } catch (Pop3AuthenticationException e) {
            throw loginRefused(new Pop3LiteException("Login as '" + config.getUsername() + "' to POP3 server " + server
                                            + " refused (" + e.reply().line()
                                            + (e.serverDetail() == null ? "" : "; " + e.serverDetail())
                                            + "). Check the username and "
                                            + (config.usesAccessToken() ? "access token" : "password") + " options; "
                                            + backoffNote(), e));
        } catch (Pop3AccessTokenException e) {
            throw loginRefused(new Pop3LiteException(e.getMessage() + "; " + backoffNote(), e));
        }
        loggedIn(client.lastCapabilities());
    }

    /** A login succeeded: the backoff ends. {@code caps}: the last CAPA the session saw, or {@code null}. */
    void loggedIn(Capabilities caps) {
        failures = 0;
        refusal = null;
        loggedInOnce = true;
        lastLogin = nanoClock.getAsLong();
        observe(caps);
    }

    /**
     * The server refused the login (or no token could be had): the next login waits longer.
     *
     * @return the failure, to throw
     */
    Pop3LiteException loginRefused(Pop3LiteException failure) {
        refusal = failure;
        failures++;
        long wait = Math.max(pollDelayMillis, MIN_BACKOFF_BASE_MILLIS);
        for (int i = 0; i < failures && wait < maxBackoffMillis; i++) {
            wait = wait > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : wait * 2;
        }
        wait = Math.min(wait, maxBackoffMillis);
        backoffUntil = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(wait);
        LOG.debug("{}: login refused {} times in a row; the next login waits {} ms", source, failures, wait);
        return failure;
    }

    /** The words for the error message: constant while the backoff lasts, so that it is logged once. */
    private String backoffNote() {
        return "further logins back off exponentially, up to " + human(maxBackoffMillis) + " apart (loginBackoffMaxDelay),"
               + " until one succeeds";
    }

    /** Reads LOGIN-DELAY and EXPIRE from the server's capabilities. */
    void observe(Capabilities caps) {
        if (caps == null || !caps.isKnown()) {
            return;
        }
        long announced = seconds(caps.arguments("LOGIN-DELAY"));
        if (announced > 0 && announced * 1000 != loginDelayMillis) {
            loginDelayMillis = announced * 1000;
            if (loginDelayMillis > pollDelayMillis) {
                LOG.info("{}: the server announces LOGIN-DELAY {} (RFC 2449), so pop3lite logs in at most once every {}"
                         + " although delay is {}", source, announced, human(loginDelayMillis), human(pollDelayMillis));
            }
        }
        List<String> expire = caps.arguments("EXPIRE");
        if (!delete && !expire.isEmpty() && !expire.get(0).equalsIgnoreCase("NEVER")) {
            String value = expire.get(0);
            if (!value.equals(expireReported) && seconds(expire) >= 0) {
                expireReported = value;
                LOG.warn("{}: the server announces EXPIRE {} (RFC 2449): it removes messages {} whatever delete=false"
                         + " says. Keep copies in your route if you need them.", source, value,
                        value.equals("0") ? "as soon as they were downloaded" : value + " days after they were downloaded");
            }
        }
    }

    /** The number in the first argument, or -1 when there is none or it is not a number of seconds we accept. */
    private static long seconds(List<String> arguments) {
        if (arguments.isEmpty()) {
            return -1;
        }
        String word = arguments.get(0);
        if (word.isEmpty() || word.length() > 9) {
            return -1;
        }
        for (int i = 0; i < word.length(); i++) {
            if (word.charAt(i) < '0' || word.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(word);
    }

    private static String human(long millis) {
        if (millis % 60_000 == 0 && millis >= 60_000) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
