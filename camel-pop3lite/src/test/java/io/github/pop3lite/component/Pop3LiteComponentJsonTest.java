package io.github.pop3lite.component;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The component descriptor that camel-component-maven-plugin generates and tooling (Camel JBang, Karavan,
 * the catalog) reads: the public contract of options and headers the issue names.
 */
class Pop3LiteComponentJsonTest {

    private static final String RESOURCE = "META-INF/io/github/pop3lite/component/pop3lite.json";

    private static JsonObject json;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = Pop3LiteComponentJsonTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " on the class path");
            json = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static JsonObject child(JsonObject parent, String key) {
        return (JsonObject) parent.get(key);
    }

    private static JsonObject property(String name) {
        JsonObject option = child(child(json, "properties"), name);
        assertNotNull(option, "endpoint option " + name + " is listed");
        return option;
    }

    @Test
    void describesAConsumerOnlyMailComponent() {
        JsonObject component = child(json, "component");
        assertEquals("pop3lite", component.getString("scheme"));
        assertEquals("io.github.pop3lite.component.Pop3LiteComponent", component.getString("javaType"));
        assertEquals(true, component.getBoolean("consumerOnly"));
        assertEquals("mail", component.getString("label"));
        assertEquals("pop3lite:host:port", component.getString("syntax"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "host", "port", "username", "password", "authentication", "apopFallback",
            "allowPlaintextPassword", "security", "sslContextParameters", "hostnameVerification", "connectTimeout",
            "readTimeout", "delete", "maxMessagesPerPoll", "idempotentRepository", "mapMailHeaders", "maxMessageSize",
            "delay", "greedy", "initialDelay", "backoffMultiplier", "backoffIdleThreshold", "backoffErrorThreshold",
            "bridgeErrorHandler" })
    void listsEveryEndpointOption(String name) {
        String description = property(name).getString("description");
        assertTrue(description != null && !description.isBlank(), name + " has a description");
    }

    @ParameterizedTest
    @ValueSource(strings = { "username", "password", "authentication", "apopFallback", "allowPlaintextPassword",
            "security", "sslContextParameters", "connectTimeout", "readTimeout", "delete", "maxMessagesPerPoll",
            "idempotentRepository", "mapMailHeaders", "maxMessageSize", "bridgeErrorHandler",
            "useGlobalSslContextParameters" })
    void listsTheOptionsAlsoOnTheComponent(String name) {
        assertNotNull(child(child(json, "componentProperties"), name), "component option " + name);
    }

    @Test
    void defaultsAndKindsMatchTheIssue() {
        assertEquals(true, property("password").getBoolean("secret"));
        assertEquals("60000", String.valueOf(property("delay").get("defaultValue")));
        assertEquals("auto", property("authentication").getString("defaultValue"));
        assertEquals(List.of("auto", "apop", "user", "plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256", "xoauth2",
                "oauthbearer"), property("authentication").getCollection("enum"));
        assertEquals(true, property("accessToken").getBoolean("secret"));
        assertEquals("io.github.pop3lite.client.AccessTokenProvider", property("accessTokenProvider").getString("javaType"));
        assertEquals("none", property("security").getString("defaultValue"));
        assertEquals(List.of("none", "starttls", "tls"), property("security").getCollection("enum"));
        assertEquals(true, property("delete").getBoolean("defaultValue"));
        assertEquals(true, property("apopFallback").getBoolean("defaultValue"));
        assertEquals(false, property("allowPlaintextPassword").getBoolean("defaultValue"));
        assertEquals(true, property("mapMailHeaders").getBoolean("defaultValue"));
        assertEquals("duration", property("connectTimeout").getString("type"));
        assertEquals("duration", property("readTimeout").getString("type"));
        assertEquals("duration", property("delay").getString("type"));
        assertEquals("org.apache.camel.support.jsse.SSLContextParameters",
                property("sslContextParameters").getString("javaType"));
        assertEquals("org.apache.camel.spi.IdempotentRepository", property("idempotentRepository").getString("javaType"));
    }

    @Test
    void listsTheHeaders() {
        JsonObject headers = child(json, "headers");
        assertEquals("int", child(headers, Pop3LiteConstants.MESSAGE_NUMBER).getString("javaType"));
        assertEquals("String", child(headers, Pop3LiteConstants.UID).getString("javaType"));
        assertEquals("long", child(headers, Pop3LiteConstants.SIZE).getString("javaType"));
        assertEquals("CamelPop3LiteMessageNumber", Pop3LiteConstants.MESSAGE_NUMBER);
        assertEquals("CamelPop3LiteUid", Pop3LiteConstants.UID);
        assertEquals("CamelPop3LiteSize", Pop3LiteConstants.SIZE);
        for (String mailHeader : List.of("Subject", "From", "To", "Cc", "Date", "Message-ID")) {
            assertNotNull(child(headers, mailHeader), mailHeader);
        }
    }
}
