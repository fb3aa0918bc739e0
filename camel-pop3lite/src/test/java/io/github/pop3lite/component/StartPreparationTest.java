package io.github.pop3lite.component;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;

import javax.crypto.SecretKeyFactory;

import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoint looks up, when it starts, what the login and the first poll take from the JDK: a JVM whose security
 * providers lack an algorithm that the configured login needs fails the route's start and names it, rather than the
 * first poll. Each test runs with the JDK's SunJCE provider (HMAC and PBKDF2) removed; no server is needed, as no
 * poll runs.
 */
class StartPreparationTest extends CamelTestSupport {

    private Provider sunJce;
    private int sunJcePosition;

    @BeforeEach
    void removeSunJce() {
        Provider[] providers = Security.getProviders();
        sunJce = Security.getProvider("SunJCE");
        sunJcePosition = Arrays.asList(providers).indexOf(sunJce) + 1;
        Security.removeProvider("SunJCE");
        assertThrows(NoSuchAlgorithmException.class, () -> SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256"),
                "another provider still offers PBKDF2WithHmacSHA256, so this test cannot show the failure");
    }

    @AfterEach
    void restoreSunJce() {
        Security.insertProviderAt(sunJce, sunJcePosition);
    }

    private void addRoute(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // never polls: the test is about the start
                from(uri + "&initialDelay=3600000").routeId("mail").to("mock:out");
            }
        });
    }

    @Test
    void scramLoginOnAJvmWithoutPbkdf2FailsTheStartNamingTheAlgorithm() {
        Exception e = assertThrows(Exception.class,
                () -> addRoute("pop3lite:127.0.0.1:1?username=a&password=b&authentication=scram-sha-256"));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("this JVM lacks HmacSHA256, which SCRAM-SHA-256 needs"),
                messages.toString());
        assertTrue(context.getRouteController().getRouteStatus("mail") != ServiceStatus.Started);
    }

    @Test
    void automaticLoginStartsOnAJvmWithoutPbkdf2AsAServerMayOfferAnotherMethod() throws Exception {
        addRoute("pop3lite:127.0.0.1:1?username=a&password=b&authentication=auto");
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("mail"));
    }

    @Test
    void loginWithoutScramStartsOnAJvmWithoutPbkdf2() throws Exception {
        addRoute("pop3lite:127.0.0.1:1?username=a&password=b&authentication=user&allowPlaintextPassword=true");
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("mail"));
    }
}
