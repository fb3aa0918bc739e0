package io.github.pop3lite.component;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The default {@code headerFilterStrategy}: keeps the header fields of ordinary mail and drops
 * the names that Camel, or an endpoint a route sends to, would obey as instructions. Every header
 * field of a message is chosen by whoever sent it; a field such as {@code kafka.OVERRIDE_TOPIC},
 * {@code JMSCorrelationID} or {@code _AMQ_DUPL_ID} would otherwise redirect, correlate or
 * suppress a message further down the route. Names are compared without regard to case, as
 * both mail and Camel treat them. docs/security.md gives the reasoning for each name.
 */
public class MailHeaderFilterStrategy implements HeaderFilterStrategy {

    /** Prefixes of control headers: Camel's own, JMS and its providers', Artemis', ActiveMQ's, Kafka's. */
    static final List<String> DROPPED_PREFIXES = List.of(
            "Camel", "org.apache.camel.", "breadcrumbId",
            "JMS", "_AMQ_", "__AMQ_", "AMQ_",
            "kafka.");

    /**
     * Whole names that HTTP producers send as request headers: credentials and session tokens that
     * would be forwarded to whatever service the route calls, and the headers that decide how the
     * request is framed, addressed or interpreted. None of them is a mail header field.
     */
    static final List<String> DROPPED_NAMES = List.of(
            "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
            "Host", "Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection", "Keep-Alive",
            "Proxy-Connection", "Upgrade", "TE", "Trailer", "Expect",
            "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-HTTP-Method-Override");

    /** Whether a header of this name is dropped by the default strategy. */
    public static boolean isControlHeader(String name) {
        for (String prefix : DROPPED_PREFIXES) {
            if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        for (String dropped : DROPPED_NAMES) {
            if (dropped.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isControlHeader(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isControlHeader(headerName);
    }
}
