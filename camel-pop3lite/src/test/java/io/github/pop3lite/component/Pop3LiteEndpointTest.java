package io.github.pop3lite.component;

import java.time.Duration;

import io.github.pop3lite.client.AuthenticationMethod;
import io.github.pop3lite.client.Pipelining;
import io.github.pop3lite.client.Pop3ClientOptions;
import io.github.pop3lite.client.Security;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint's URI, its defaults, and the errors a wrong URI gives when the route starts. No server needed. */
class Pop3LiteEndpointTest extends CamelTestSupport {

    private Pop3LiteEndpoint endpoint(String uri) {
        return context.getEndpoint(uri, Pop3LiteEndpoint.class);
    }

    /** Adds a route from the URI and returns the message of the innermost cause that names the problem. */
    private String routeStartError(String uri) {
        Exception e = assertThrows(Exception.class, () -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("bad").to("mock:out");
            }
        }));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "pop3lite:localhost?username=a&password=b&security=ssl | pop3lite: unknown security 'ssl': use none, starttls or tls",
            "pop3lite:localhost?username=a&password=b&authentication=cram | pop3lite: unknown authentication 'cram': use auto, apop, user, plain, login, cram-md5,",
            "pop3lite:localhost?username=a&password=b&pipelining=always | pop3lite: unknown pipelining 'always': use auto, announced or off",
            "pop3lite:localhost?password=b | pop3lite: the username option is required",
            "pop3lite:localhost?username=a | pop3lite: the password option is required for user 'a'",
            "pop3lite:::1:1110?username=a&password=b | pop3lite: write an IPv6 address in brackets",
            "pop3lite:[::1?username=a&password=b | lacks its closing ']'",
            "pop3lite:localhost:pop?username=a&password=b | pop3lite: port 'pop' is not a number",
            "pop3lite:localhost:70000?username=a&password=b | pop3lite: port must be between 1 and 65535, was 70000",
    })
    void wrongUriFailsTheRouteStartWithAMessageNamingTheOption(String uri, String expected) {
        String error = routeStartError(uri);
        assertTrue(error.contains(expected), error);
        assertNotEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("bad"));
    }

    @Test
    void delayDefaultsToSixtySecondsLikeCamelMail() throws Exception {
        Pop3LiteEndpoint endpoint = endpoint("pop3lite:localhost?username=a&password=b");
        assertEquals(60_000, endpoint.getDelay());
        Pop3LiteConsumer consumer = (Pop3LiteConsumer) endpoint.createConsumer(exchange -> {
        });
        assertEquals(60_000, consumer.getDelay());
        assertEquals(1000, consumer.getInitialDelay(), "Camel's default");

        Pop3LiteEndpoint fast = endpoint("pop3lite:localhost?username=a&password=b&delay=2s&initialDelay=0");
        assertEquals(2000, fast.getDelay());
        assertEquals(2000, ((Pop3LiteConsumer) fast.createConsumer(exchange -> {
        })).getDelay());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "pop3lite:mail.example.com?username=a&password=b | mail.example.com | 110",
            "pop3lite:mail.example.com?username=a&password=b&security=starttls | mail.example.com | 110",
            "pop3lite:mail.example.com?username=a&password=b&security=tls | mail.example.com | 995",
            "pop3lite:mail.example.com:2995?username=a&password=b&security=tls | mail.example.com | 2995",
            "pop3lite:192.0.2.7:1110?username=a&password=b | 192.0.2.7 | 1110",
            "pop3lite:[::1]:1110?username=a&password=b | ::1 | 1110",
            "pop3lite:[2001:db8::7]?username=a&password=b&security=TLS | 2001:db8::7 | 995",
    })
    void hostAndDefaultPort(String uri, String host, int port) {
        Pop3LiteConfiguration config = endpoint(uri).getConfiguration();
        assertEquals(host, config.getHost());
        assertEquals(port, config.effectivePort());
    }

    @Test
    void durationsAndOptionsReachTheConfiguration() {
        Pop3LiteConfiguration config = endpoint("pop3lite:localhost?username=a&password=b&connectTimeout=5s"
                                                + "&readTimeout=1500&delete=false&maxMessagesPerPoll=7"
                                                + "&maxMessageSize=1000000&mapMailHeaders=false&authentication=user"
                                                + "&apopFallback=false&allowPlaintextPassword=true"
                                                + "&hostnameVerification=false").getConfiguration();
        assertEquals(5000, config.getConnectTimeout());
        assertEquals(1500, config.getReadTimeout());
        assertEquals(false, config.isDelete());
        assertEquals(7, config.getMaxMessagesPerPoll());
        assertEquals(1_000_000, config.getMaxMessageSize());
        assertEquals(false, config.isMapMailHeaders());
        assertEquals("user", config.getAuthentication());
        assertEquals(false, config.isApopFallback());
        assertEquals(true, config.isAllowPlaintextPassword());
        assertEquals(false, config.isHostnameVerification());
    }

    @Test
    void everySessionOptionReachesTheEngine() throws Exception {
        Pop3ClientOptions options = ((Pop3LiteConsumer) endpoint("pop3lite:[::1]:1110?username=a&password=b"
                                                                 + "&security=starttls&authentication=apop"
                                                                 + "&apopFallback=false&allowPlaintextPassword=true"
                                                                 + "&connectTimeout=2s&readTimeout=3500"
                                                                 + "&hostnameVerification=false&pipelining=off")
                .createConsumer(exchange -> {
                })).clientOptions();
        assertEquals("::1", options.host());
        assertEquals(1110, options.port());
        assertEquals(Security.STARTTLS, options.security());
        assertEquals(AuthenticationMethod.APOP, options.authentication());
        assertEquals(false, options.apopFallback());
        assertEquals(true, options.allowPlaintextPassword());
        assertEquals(Duration.ofSeconds(2), options.connectTimeout());
        assertEquals(Duration.ofMillis(3500), options.readTimeout());
        assertEquals(false, options.hostnameVerification());
        assertEquals(Pipelining.OFF, options.pipelining());

        Pop3ClientOptions defaults = ((Pop3LiteConsumer) endpoint("pop3lite:mail.example.com?username=a&password=b")
                .createConsumer(exchange -> {
                })).clientOptions();
        assertEquals(110, defaults.port());
        assertEquals(Security.NONE, defaults.security());
        assertEquals(AuthenticationMethod.AUTO, defaults.authentication());
        assertEquals(true, defaults.apopFallback());
        assertEquals(false, defaults.allowPlaintextPassword(), "clear text to a remote host needs the opt-in");
        assertEquals(Duration.ofSeconds(30), defaults.connectTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.readTimeout());
        assertEquals(true, defaults.hostnameVerification());
        assertEquals(Pipelining.AUTO, defaults.pipelining());
    }

    @Test
    void thePipeliningVerdictBelongsToTheEndpointAndOutlivesItsConsumers() throws Exception {
        Pop3LiteEndpoint endpoint = endpoint("pop3lite:mail.example.com?username=a&password=b");
        Pop3ClientOptions first = ((Pop3LiteConsumer) endpoint.createConsumer(exchange -> {
        })).clientOptions();
        Pop3ClientOptions second = ((Pop3LiteConsumer) endpoint.createConsumer(exchange -> {
        })).clientOptions();
        assertSame(first.pipeliningMemory(), second.pipeliningMemory());
    }

    @Test
    void defaultsOfTheIssue() {
        Pop3LiteConfiguration config = endpoint("pop3lite:localhost?username=a&password=b").getConfiguration();
        assertEquals("auto", config.getAuthentication());
        assertEquals(true, config.isApopFallback());
        assertEquals(false, config.isAllowPlaintextPassword());
        assertEquals("none", config.getSecurity());
        assertEquals(true, config.isDelete());
        assertEquals(true, config.isMapMailHeaders());
        assertEquals(0, config.getMaxMessagesPerPoll());
        assertEquals(0, config.getMaxMessageSize());
        assertEquals(true, config.isHostnameVerification());
        assertNull(config.getIdempotentRepository());
    }

    @Test
    void componentOptionsApplyToEveryEndpointWhichKeepsItsOwnCopy() {
        Pop3LiteComponent component = context.getComponent("pop3lite", Pop3LiteComponent.class);
        component.getConfiguration().setUsername("shared");
        component.getConfiguration().setPassword("shared-secret");
        component.getConfiguration().setReadTimeout(7000);

        Pop3LiteConfiguration first = endpoint("pop3lite:one.example.com?readTimeout=100").getConfiguration();
        Pop3LiteConfiguration second = endpoint("pop3lite:two.example.com").getConfiguration();
        assertEquals("shared", first.getUsername());
        assertEquals("shared-secret", second.getPassword());
        assertEquals(100, first.getReadTimeout());
        assertEquals(7000, second.getReadTimeout(), "one endpoint's option does not leak into another");
        assertEquals(7000, component.getConfiguration().getReadTimeout());
    }

    @Test
    void theComponentOnlyConsumes() {
        Pop3LiteEndpoint endpoint = endpoint("pop3lite:localhost?username=a&password=b");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, endpoint::createProducer);
        assertTrue(e.getMessage().contains("can only consume"), e.getMessage());
    }
}
