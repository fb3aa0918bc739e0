package io.github.pop3lite.springboot;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.ApplicationContext;

/** The application's Actuator health through Spring Boot 3's API (Boot 4 moved it: see src/test/boot4). */
final class ActuatorHealth {

    private ActuatorHealth() {
    }

    static String status(ApplicationContext app) {
        return app.getBean(HealthEndpoint.class).health().getStatus().getCode();
    }

    /** Each top-level health component as "STATUS details", nested components flattened into the details. */
    static Map<String, String> components(ApplicationContext app) {
        Map<String, String> all = new LinkedHashMap<>();
        ((CompositeHealth) app.getBean(HealthEndpoint.class).health()).getComponents()
                .forEach((name, component) -> all.put(name, describe(component)));
        return all;
    }

    private static String describe(HealthComponent component) {
        if (component instanceof CompositeHealth composite) {
            StringBuilder all = new StringBuilder(composite.getStatus().getCode());
            composite.getComponents().forEach((name, c) -> all.append(' ').append(name).append('=').append(describe(c)));
            return all.toString();
        }
        return component.getStatus().getCode() + " " + ((Health) component).getDetails();
    }
}
