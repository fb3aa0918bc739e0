package io.github.pop3lite.springboot;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.github.pop3lite.component.Pop3LiteComponent;
import io.github.pop3lite.component.Pop3LiteConfiguration;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spring Boot application with camel-pop3lite-starter and nothing excluded: its
 * {@code camel.component.pop3lite.*} properties reach the component, it drains a mailbox, the
 * Actuator health follows the consumer, and a misspelt property stops it at start.
 */
class Pop3LiteStarterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestMailbox mailbox = new TestMailbox();
    private ConfigurableApplicationContext app;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
        @Bean
        TestMailbox.DrainRoute drainRoute() {
            return new TestMailbox.DrainRoute();
        }
    }

    private ConfigurableApplicationContext start(String... properties) {
        String[] all = Arrays.copyOf(properties, properties.length + 2);
        all[properties.length] = "test.pop3.port=" + mailbox.port();
        all[properties.length + 1] = "spring.main.banner-mode=off";
        return new SpringApplicationBuilder(Application.class).properties(all).run();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        mailbox.greenMail.stop();
    }

    @Test
    void propertiesConfigureTheComponentAndTheApplicationDrainsTheMailbox() throws Exception {
        mailbox.deliver("one", "two");
        app = start("camel.component.pop3lite.username=alice",
                "camel.component.pop3lite.password=s3cret",
                "camel.component.pop3lite.security=none",
                "camel.component.pop3lite.connect-timeout=4000",
                "camel.component.pop3lite.read-timeout=7000",
                "camel.component.pop3lite.max-messages-per-poll=10");

        CamelContext camel = app.getBean(CamelContext.class);
        Pop3LiteConfiguration config = camel.getComponent("pop3lite", Pop3LiteComponent.class).getConfiguration();
        assertEquals("alice", config.getUsername());
        assertEquals("s3cret", config.getPassword());
        assertEquals("none", config.getSecurity());
        assertEquals(4000, config.getConnectTimeout());
        assertEquals(7000, config.getReadTimeout());
        assertEquals(10, config.getMaxMessagesPerPoll());

        TestMailbox.DrainRoute route = app.getBean(TestMailbox.DrainRoute.class);
        await().atMost(TIMEOUT).until(() -> route.subjects.size() == 2 && mailbox.onServer() == 0);
        assertEquals(List.of("one", "two"), route.subjects);
    }

    @Test
    void theApplicationRunsOnItsOwnCamelVersion() {
        app = start("camel.component.pop3lite.username=alice", "camel.component.pop3lite.password=s3cret");
        String camelVersion = app.getBean(CamelContext.class).getVersion();
        assertEquals(System.getProperty("camel-spring-boot.version"), camelVersion, "the camel-spring-boot line the build tests");
        List<String> otherCamel = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString())
                .filter(n -> n.startsWith("camel-") && n.endsWith(".jar") && !n.startsWith("camel-pop3lite"))
                .filter(n -> !n.endsWith("-" + camelVersion + ".jar"))
                .toList();
        assertEquals(List.of(), otherCamel, "Camel jars of another version on the application's classpath");
    }

    @Test
    void actuatorHealthShowsTheConsumerDownWhenTheLoginIsRefused() {
        app = start("camel.component.pop3lite.username=alice",
                "camel.component.pop3lite.password=wrong",
                "management.endpoint.health.show-details=always");
        await().atMost(TIMEOUT).until(() -> ActuatorHealth.status(app).equals("DOWN"));
        Map<String, String> components = ActuatorHealth.components(app);
        List<String> down = components.entrySet().stream().filter(e -> e.getValue().startsWith("DOWN"))
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        assertEquals(1, down.size(), "components DOWN: " + down + " of " + components.keySet());
        assertTrue(down.get(0).startsWith("camel"), down.get(0));
        assertTrue(down.get(0).contains("consumer:drain"), down.get(0));
        assertTrue(down.get(0).contains("Login as 'alice'"), down.get(0));
    }

    @Test
    void aMisspeltPropertyStopsTheStartAndIsNamed() {
        Exception failure = assertThrows(Exception.class, () -> start(
                "camel.component.pop3lite.username=alice", "camel.component.pop3lite.pasword=s3cret"));
        String messages = causes(failure);
        assertTrue(messages.contains("camel.component.pop3lite.pasword"), messages);
    }

    private static String causes(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }
}
