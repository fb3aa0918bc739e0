package io.github.pop3lite.component;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects every log event that the test configuration lets through (pop3lite at DEBUG, the rest at
 * INFO), from the moment it is created until it is closed.
 */
public final class LogCapture implements AutoCloseable {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final LoggerContext context;
    private final List<LoggerConfig> attached = new ArrayList<>();
    private final AbstractAppender appender;

    public LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        List<LoggerConfig> loggers = new ArrayList<>(config.getLoggers().values());
        if (!loggers.contains(config.getRootLogger())) {
            loggers.add(config.getRootLogger());
        }
        for (LoggerConfig logger : loggers) {
            logger.addAppender(appender, Level.ALL, null);
            attached.add(logger);
        }
        context.updateLoggers();
    }

    public List<LogEvent> events() {
        return List.copyOf(events);
    }

    /** Events of exactly this level whose message contains the text. */
    public List<LogEvent> at(Level level, String text) {
        return events.stream()
                .filter(e -> e.getLevel() == level && e.getMessage().getFormattedMessage().contains(text))
                .toList();
    }

    /** Events at WARN or more severe whose message contains the text. */
    public List<LogEvent> warningsOrWorse(String text) {
        return events.stream()
                .filter(e -> e.getLevel().isMoreSpecificThan(Level.WARN)
                             && e.getMessage().getFormattedMessage().contains(text))
                .toList();
    }

    /** Everything logged: messages and stack traces, one event per line group. */
    public String fullText() {
        StringBuilder all = new StringBuilder();
        for (LogEvent event : events) {
            all.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                    .append(event.getMessage().getFormattedMessage()).append('\n');
            if (event.getThrown() != null) {
                StringWriter trace = new StringWriter();
                event.getThrown().printStackTrace(new PrintWriter(trace));
                all.append(trace).append('\n');
            }
        }
        return all.toString();
    }

    @Override
    public void close() {
        for (LoggerConfig logger : attached) {
            logger.removeAppender(appender.getName());
        }
        context.updateLoggers();
        appender.stop();
    }
}
