package io.github.pop3lite.component;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.pop3lite.client.ScriptedPop3Server;
import io.github.pop3lite.component.ScriptedSessions.Mail;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.component.ScriptedSessions.PASSWORD;
import static io.github.pop3lite.component.ScriptedSessions.USER;
import static io.github.pop3lite.component.ScriptedSessions.deleOk;
import static io.github.pop3lite.component.ScriptedSessions.listed;
import static io.github.pop3lite.component.ScriptedSessions.loggedIn;
import static io.github.pop3lite.component.ScriptedSessions.quitOk;
import static io.github.pop3lite.component.ScriptedSessions.retr;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With bridgeErrorHandler=true a message whose route fails is handled by the route's error handler once: the
 * consumer no longer hands the failed Exchange to its exception handler, which is then that error handler again
 * (an onException clause ran twice before).
 */
class BridgeErrorHandlerTest extends CamelTestSupport {

    private final PollRecorder polls = new PollRecorder();
    private final AtomicInteger handled = new AtomicInteger();

    private String uri(int port) {
        context.getRegistry().bind("polls", polls);
        return "pop3lite:127.0.0.1:" + port + "?username=" + USER + "&pipelining=announced" + "&password=" + PASSWORD
               + "&initialDelay=0&repeatCount=1&pollStrategy=#polls&bridgeErrorHandler=true&mailboxId="
               + TestMailboxes.fresh(USER);
    }

    @Test
    void theDefaultErrorHandlerHandlesAFailedMessageOnce() throws Exception {
        Mail mail = Mail.of(1, "fails");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(quitOk(retr(listed(loggedIn(), mail), mail)));
             LogCapture log = new LogCapture()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(server.port())).routeId("pop3")
                            .process(e -> {
                                handled.incrementAndGet();
                                throw new IllegalStateException("route failure under test");
                            });
                }
            });
            server.awaitScriptDone();
            polls.awaitPolls(1);
            assertEquals(1, handled.get());
            // the default error handler logs each failure it handles at ERROR
            assertEquals(1, log.at(Level.ERROR, "route failure under test").size(), log.fullText());
        }
    }

    @Test
    void anOnExceptionClauseRunsOnceForAFailedMessage() throws Exception {
        Mail mail = Mail.of(1, "fails");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(quitOk(retr(listed(loggedIn(), mail), mail)))) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    onException(IllegalStateException.class).process(e -> handled.incrementAndGet());
                    from(uri(server.port())).routeId("pop3")
                            .process(e -> {
                                throw new IllegalStateException("route failure under test");
                            });
                }
            });
            server.awaitScriptDone();
            polls.awaitPolls(1);
            assertEquals(1, handled.get());
        }
    }

    @Test
    void aDeadLetterChannelReceivesAFailedMessageOnceAndTheMessageIsDeleted() throws Exception {
        Mail mail = Mail.of(1, "dead");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(quitOk(deleOk(retr(listed(loggedIn(), mail), mail), mail)))) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(deadLetterChannel("mock:dead"));
                    from(uri(server.port())).routeId("pop3")
                            .process(e -> {
                                throw new IllegalStateException("route failure under test");
                            });
                }
            });
            server.awaitScriptDone();
            polls.awaitPolls(1);
            getMockEndpoint("mock:dead").expectedMessageCount(1);
            getMockEndpoint("mock:dead").assertIsSatisfied();
            assertEquals(1, polls.get(0).routed());
        }
    }
}
