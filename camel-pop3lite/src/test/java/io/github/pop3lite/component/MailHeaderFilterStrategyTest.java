package io.github.pop3lite.component;

import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailHeaderFilterStrategyTest {

    private final MailHeaderFilterStrategy filter = new MailHeaderFilterStrategy();

    /** One name for each prefix and each whole name of the default list, as a sender might write it. */
    static Stream<String> controlNames() {
        return Stream.of("CamelHttpUri", "CamelFileName", "org.apache.camel.anything", "breadcrumbId",
                "JMSCorrelationID", "JMSType", "JMSReplyTo", "JMSDestination", "JMSXGroupID", "JMSXUserID", "JMS_IBM_Format",
                "_AMQ_DUPL_ID", "_AMQ_SCHED_DELIVERY", "_AMQ_GROUP_ID", "__AMQ_CID", "AMQ_SCHEDULED_DELAY",
                "kafka.OVERRIDE_TOPIC", "kafka.KEY", "kafka.PARTITION_KEY",
                "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "Host", "Content-Length",
                "Transfer-Encoding", "Content-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", "TE",
                "Trailer", "Expect", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                "X-HTTP-Method-Override");
    }

    @ParameterizedTest
    @MethodSource("controlNames")
    void dropsEachControlNameInAnyCase(String name) {
        for (String variant : new String[] { name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT),
                                              alternateCase(name) }) {
            assertTrue(filter.applyFilterToExternalHeaders(variant, "x", null), variant);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "Subject", "From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Date", "Message-ID",
                             "In-Reply-To", "References", "List-Id", "List-Unsubscribe", "List-Post", "X-Mailer",
                             "X-Spam-Status", "X-Original-To", "Received", "Return-Path", "MIME-Version", "Content-Type",
                             "Content-Transfer-Encoding", "Content-Disposition", "DKIM-Signature", "Auto-Submitted",
                             "Delivered-To", "Hostname", "Cookies-Policy", "Kafka", "JM" })
    void keepsOrdinaryMailFields(String name) {
        assertFalse(filter.applyFilterToExternalHeaders(name, "x", null), name);
        assertFalse(filter.applyFilterToExternalHeaders(name.toLowerCase(Locale.ROOT), "x", null), name);
    }

    private static String alternateCase(String name) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            s.append(i % 2 == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return s.toString();
    }
}
