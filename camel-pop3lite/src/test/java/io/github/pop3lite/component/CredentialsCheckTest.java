package io.github.pop3lite.component;

import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credentials that can never log in fail the route's start, with a message naming the option and never the value. */
class CredentialsCheckTest extends CamelTestSupport {

    private static final String SECRET_PART = "Zq7secretvalue";

    static Stream<Arguments> badCredentials() {
        return Stream.of(
                Arguments.of("CR in the password", set(null, SECRET_PART + "\r"), "the password option contains a carriage return (CR)"),
                Arguments.of("LF in the password", set(null, SECRET_PART + "\n"), "the password option contains a line feed (LF)"),
                Arguments.of("NUL in the password", set(null, SECRET_PART + "\0x"), "the password option contains a NUL character"),
                Arguments.of("CR in the user name", set(SECRET_PART + "\r", null), "the username option contains a carriage return (CR)"),
                Arguments.of("LF in the user name", set(SECRET_PART + "\nQUIT", null), "the username option contains a line feed (LF)"),
                Arguments.of("NUL in the user name", set(SECRET_PART + "\0", null), "the username option contains a NUL character"),
                Arguments.of("empty password", set(null, ""), "the password option is empty"),
                Arguments.of("password of 249 octets", set(null, SECRET_PART + "p".repeat(249 - SECRET_PART.length())),
                        "the password option is 249 octets long (UTF-8); it can be at most 248"),
                Arguments.of("password of 134 characters, 254 octets in UTF-8", set(null, SECRET_PART + "\u00e9".repeat(120)),
                        "the password option is 254 octets long"),
                Arguments.of("user name of 249 octets with authentication=user",
                        (Consumer<Pop3LiteConfiguration>) c -> {
                            c.setAuthentication("user");
                            c.setUsername(SECRET_PART + "u".repeat(249 - SECRET_PART.length()));
                        }, "the username option is 249 octets long (UTF-8); with authentication=user it can be at most 248"),
                Arguments.of("user name of 216 octets with authentication=auto (APOP possible)",
                        set(SECRET_PART + "u".repeat(216 - SECRET_PART.length()), null),
                        "the username option is 216 octets long (UTF-8); with authentication=auto it can be at most 215"));
    }

    private static Consumer<Pop3LiteConfiguration> set(String username, String password) {
        return c -> {
            if (username != null) {
                c.setUsername(username);
            }
            if (password != null) {
                c.setPassword(password);
            }
        };
    }

    private String routeStartError(Consumer<Pop3LiteConfiguration> change) {
        Pop3LiteEndpoint endpoint = context.getEndpoint("pop3lite:127.0.0.1:1?username=alice&password=ok&initialDelay=60000",
                Pop3LiteEndpoint.class);
        change.accept(endpoint.getConfiguration());
        Exception e = assertThrows(Exception.class, () -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId("bad").to("mock:out");
            }
        }));
        assertNotEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("bad"));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCredentials")
    void failsTheStartNamingTheOptionButNotTheValue(String name, Consumer<Pop3LiteConfiguration> change, String expected) {
        String error = routeStartError(change);
        assertTrue(error.contains(expected), error);
        assertFalse(error.contains(SECRET_PART), "the value must not appear: " + error);
    }

    @Test
    void theLongestValuesThatFitStart() throws Exception {
        Pop3LiteEndpoint endpoint = context.getEndpoint("pop3lite:127.0.0.1:1?initialDelay=60000", Pop3LiteEndpoint.class);
        endpoint.getConfiguration().setUsername("u".repeat(CredentialsCheck.MAX_APOP_USER_OCTETS));
        endpoint.getConfiguration().setPassword("p".repeat(CredentialsCheck.MAX_USER_PASS_OCTETS));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId("ok").to("mock:out");
            }
        });
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("ok"));
    }

    @Test
    void aLongPasswordIsFineWhenOnlyApopIsUsed() throws Exception {
        Pop3LiteEndpoint endpoint = context.getEndpoint("pop3lite:127.0.0.1:1?username=alice&authentication=apop"
                                                        + "&apopFallback=false&initialDelay=60000", Pop3LiteEndpoint.class);
        endpoint.getConfiguration().setPassword("p".repeat(1000));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).routeId("apop").to("mock:out");
            }
        });
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("apop"));
    }
}
