package io.github.pop3lite.component;

import java.util.List;

import org.apache.camel.health.HealthCheck;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumer health check and the log an operator reads when polling fails. */
class Pop3LiteHealthCheckTest extends GreenMailTestSupport {

    @Test
    void wrongPasswordTurnsHealthDownWithOneClearMessageAndUpAgainOnceFixed() throws Exception {
        deliverSubjects("waiting");
        greenMail.getUserManager().getUser(USER).setPassword("changed-on-the-server");
        try (LogCapture logs = new LogCapture()) {
            routeToMock(uri(""));
            polls.awaitPolls(3);
            assertTrue(polls.polls().stream().allMatch(PollRecorder.Poll::failed), polls.polls().toString());

            HealthCheck.Result down = ConsumerHealth.call(context, "pop3");
            assertEquals(HealthCheck.State.DOWN, down.getState());
            String error = down.getError().orElseThrow().getMessage();
            assertTrue(error.startsWith("Login as 'alice' to POP3 server 127.0.0.1:" + port() + " refused (-ERR"), error);
            assertTrue(error.contains("Check the username and password options; further logins back off"), error);
            assertTrue(down.getMessage().orElseThrow().contains("route: pop3"), down.getMessage().toString());

            List<LogEvent> reported = logs.at(Level.WARN, "Login as 'alice'");
            assertEquals(1, reported.size(), "reported once over " + polls.count() + " polls: " + logs.fullText());
            assertNull(reported.get(0).getThrown(), "one line, no stack trace");
            assertEquals(List.of(), logs.at(Level.ERROR, ""), logs.fullText());
            assertEquals(List.of(), routedSubjects());

            greenMail.getUserManager().getUser(USER).setPassword(PASSWORD);
            await("health UP").atMost(TIMEOUT).until(() -> ConsumerHealth.state(context, "pop3") == HealthCheck.State.UP);
            awaitRouted(1);
            assertEquals(List.of("waiting"), routedSubjects());
            await().atMost(TIMEOUT).until(() -> !logs.at(Level.INFO, "polling works again").isEmpty());
            assertEquals(1, logs.at(Level.INFO, "polling works again").size());
        }
    }

    @Test
    void loginFailureIsReportedAgainWhenItChanges() throws Exception {
        greenMail.getUserManager().getUser(USER).setPassword("changed-on-the-server");
        try (LogCapture logs = new LogCapture()) {
            routeToMock(uri(""));
            polls.awaitPolls(2);
            int port = port();
            greenMail.stop();
            polls.awaitMorePolls(2);

            assertEquals(1, logs.at(Level.WARN, "Login as 'alice'").size(), logs.fullText());
            assertEquals(1, logs.at(Level.WARN, "Cannot connect to POP3 server 127.0.0.1 port " + port).size(),
                    logs.fullText());
            assertEquals(HealthCheck.State.DOWN, ConsumerHealth.state(context, "pop3"));
        }
    }

    @Test
    void backoffOptionsSpaceOutPollsAfterErrors() throws Exception {
        routeToMock(uri(USER, "wrong", "backoffErrorThreshold=1&backoffMultiplier=5"));
        polls.awaitPolls(3);

        // without backoff the polls of this endpoint follow each other every 100 ms
        for (int i = 1; i < 3; i++) {
            long gap = (polls.get(i).startNanos() - polls.get(i - 1).endNanos()) / 1_000_000;
            assertTrue(gap >= 450, "poll " + i + " came " + gap + " ms after the one before");
        }
    }

    @Test
    void healthCheckConsumerEnabledFalseTakesTheConsumerOutOfTheHealthCheck() throws Exception {
        context.getComponent("pop3lite", Pop3LiteComponent.class).setHealthCheckConsumerEnabled(false);
        routeToMock(uri(USER, "wrong", ""));
        polls.awaitPolls(1);
        assertTrue(polls.get(0).failed());
        assertEquals(HealthCheck.State.UNKNOWN, ConsumerHealth.state(context, "pop3"));
    }
}
