package io.github.pop3lite.component;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The consumer health check of a route, {@code consumer:<routeId>}: the check Camel's health check
 * registry (camel-health) lists for the route. That registry is not on this module's test class path, so
 * the check is called directly; it is the same object the registry would call.
 */
final class ConsumerHealth {

    private ConsumerHealth() {
    }

    static HealthCheck check(CamelContext context, String routeId) {
        HealthCheck check = ((Pop3LiteConsumer) context.getRoute(routeId).getConsumer()).getHealthCheck();
        assertNotNull(check, "the consumer of route " + routeId + " has a health check");
        assertEquals("consumer:" + routeId, check.getId());
        return check;
    }

    static HealthCheck.Result call(CamelContext context, String routeId) {
        return check(context, routeId).call(Map.of(HealthCheck.CHECK_KIND, HealthCheck.Kind.LIVENESS));
    }

    static HealthCheck.State state(CamelContext context, String routeId) {
        return call(context, routeId).getState();
    }
}
