package io.github.pop3lite.component;

import java.io.IOException;

import io.github.pop3lite.client.Pop3TemporaryFailureException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failed polls the way an operator wants to read them: a known POP3 failure (wrong password,
 * server unreachable, mailbox busy) once, in one line without a stack trace, and again only when it
 * changes or after polling recovered. A busy mailbox is logged at INFO, since waiting is the cure.
 * Anything else, and failures of Exchanges, go to Camel's usual handler.
 */
final class PollFailureLogger implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3LiteConsumer.class);

    private final ExceptionHandler fallback;
    private final String source;
    private volatile String lastReported;

    PollFailureLogger(ExceptionHandler fallback, String source) {
        this.fallback = fallback;
        this.source = source;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        if (!(exception instanceof Pop3LiteException || exception instanceof IOException)) {
            fallback.handleException(message, exception);
            return;
        }
        String text = exception.getMessage();
        if (text.equals(lastReported)) {
            LOG.debug("{}: {} (again)", source, text);
            return;
        }
        lastReported = text;
        if (exception.getCause() instanceof Pop3TemporaryFailureException) {
            LOG.info("{}: {}. Will try again at the next poll.", source, text);
        } else {
            LOG.warn("{}: {}. Will try again at the next poll.", source, text);
        }
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        fallback.handleException(message, exchange, exception);
    }

    /** A poll succeeded: say so if the last one had failed. */
    void pollSucceeded() {
        if (lastReported != null) {
            lastReported = null;
            LOG.info("{}: polling works again", source);
        }
    }
}
