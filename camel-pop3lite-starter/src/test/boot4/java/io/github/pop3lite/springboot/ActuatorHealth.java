package io.github.pop3lite.springboot;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.context.ApplicationContext;

/** The application's Actuator health through Spring Boot 4's API (module spring-boot-health). */
final class ActuatorHealth {

    private ActuatorHealth() {
    }

    static String status(ApplicationContext app) {
        return app.getBean(HealthEndpoint.class).health().getStatus().getCode();
    }

    /** Each top-level health component as "STATUS details", nested components flattened into the details. */
    static Map<String, String> components(ApplicationContext app) {
        Map<String, String> all = new LinkedHashMap<>();
        ((CompositeHealthDescriptor) app.getBean(HealthEndpoint.class).health()).getComponents()
                .forEach((name, component) -> all.put(name, describe(component)));
        return all;
    }

    private static String describe(HealthDescriptor component) {
        if (component instanceof CompositeHealthDescriptor composite) {
            StringBuilder all = new StringBuilder(composite.getStatus().getCode());
            composite.getComponents().forEach((name, c) -> all.append(' ').append(name).append('=').append(describe(c)));
            return all.toString();
        }
        return component.getStatus().getCode() + " " + ((IndicatedHealthDescriptor) component).getDetails();
    }
}
