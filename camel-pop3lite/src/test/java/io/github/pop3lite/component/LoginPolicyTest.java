package io.github.pop3lite.component;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backoff arithmetic on a clock of the test's own: doubling, the cap, the reset. */
class LoginPolicyTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private LoginPolicy policy(long delay, long max) {
        Pop3LiteConfiguration config = new Pop3LiteConfiguration();
        config.setUsername("alice");
        config.setLoginBackoffMaxDelay(max);
        return new LoginPolicy(config, "test", "h:110", delay, now::get);
    }

    /** Checks that the next login is due exactly {@code millis} from now: not 1 ms earlier. */
    private void assertWait(LoginPolicy policy, long millis) throws Exception {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis - 1));
        assertThrows(Pop3LiteException.class, policy::loginDue, "due before " + millis + " ms");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertTrue(policy.loginDue(), "due after " + millis + " ms");
    }

    @Test
    void eachRefusalDoublesTheWaitUpToTheMaximumAndASuccessEndsIt() throws Exception {
        LoginPolicy policy = policy(60_000, 900_000);
        for (long expected : List.of(120_000L, 240_000L, 480_000L, 900_000L, 900_000L, 900_000L)) {
            policy.loginRefused(new Pop3LiteException("refused"));
            assertWait(policy, expected);
        }
        policy.loggedIn(null);
        assertTrue(policy.loginDue());
    }

    @Test
    void skippedPollsFailWithTheRefusalItself() throws Exception {
        LoginPolicy policy = policy(0, 1_000);
        Pop3LiteException refusal = new Pop3LiteException("refused");
        policy.loginRefused(refusal);
        assertSame(refusal, assertThrows(Pop3LiteException.class, policy::loginDue));
        // a delay of 0 still backs off, from 100 ms x 2
        assertWait(policy, 200);
    }

    @Test
    void aHugeDelayOrManyRefusalsDoNotOverflow() throws Exception {
        LoginPolicy policy = policy(Long.MAX_VALUE / 3, 5_000);
        for (int i = 0; i < 100; i++) {
            policy.loginRefused(new Pop3LiteException("refused"));
        }
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(4_999));
        assertThrows(Pop3LiteException.class, policy::loginDue);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertTrue(policy.loginDue());
    }
}
