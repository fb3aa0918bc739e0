package io.github.pop3lite.component;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.pop3lite.client.Capabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the consumer may log in next, so that it keeps to the server's rules and does not get the
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

    private final String source;
    private final long pollDelayMillis;
    private final long maxBackoffMillis;
    private final boolean delete;
    private final LongSupplier nanoClock;

    private int failures;
    /** The earliest next login after failures, in the clock's nanoseconds; valid when failures > 0. */
    private long backoffUntil;
    private boolean loggedInOnce;
    private long lastLogin;
    private long loginDelayMillis;
    private String expireReported;

    LoginPolicy(String source, long pollDelayMillis, long maxBackoffMillis, boolean delete, LongSupplier nanoClock) {
        this.source = source;
        this.pollDelayMillis = pollDelayMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        this.delete = delete;
        this.nanoClock = nanoClock;
    }

    /** Whether a login is allowed now; when not, the poll should be skipped. */
    boolean mayLogin() {
        long now = nanoClock.getAsLong();
        if (failures > 0 && now - backoffUntil < 0) {
            LOG.debug("{}: skipping this poll, the next login after {} refused logins is due in {} ms", source,
                    failures, TimeUnit.NANOSECONDS.toMillis(backoffUntil - now));
            return false;
        }
        if (loggedInOnce && loginDelayMillis > 0 && now - lastLogin < TimeUnit.MILLISECONDS.toNanos(loginDelayMillis)) {
            LOG.debug("{}: skipping this poll to keep the server's LOGIN-DELAY of {} s", source, loginDelayMillis / 1000);
            return false;
        }
        return true;
    }

    /** A login succeeded: the backoff ends. {@code caps}: the last CAPA the session saw, or {@code null}. */
    void loggedIn(Capabilities caps) {
        failures = 0;
        loggedInOnce = true;
        lastLogin = nanoClock.getAsLong();
        observe(caps);
    }

    /**
     * The server refused the login (or no token could be had).
     *
     * @return how long the consumer now waits before it logs in again, in ms
     */
    long loginRefused() {
        failures++;
        long base = Math.max(pollDelayMillis, MIN_BACKOFF_BASE_MILLIS);
        long wait = failures >= 40 ? maxBackoffMillis : Math.min(maxBackoffMillis, base << Math.min(failures, 40));
        if (wait < 0) {
            wait = maxBackoffMillis;
        }
        backoffUntil = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(wait);
        return wait;
    }

    /** The words for the error message: constant while the backoff lasts, so that it is logged once. */
    String backoffNote() {
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
