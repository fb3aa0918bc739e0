package io.github.pop3lite.docs;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.pop3lite.component.TestMailboxes;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.DefaultComponentResolver;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ComponentResolver;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Java and YAML block of README.md and docs/ compiles or loads, and every route among them
 * drains a GreenMail maildrop, so a snippet cannot rot. The conventions are in docs/README.md,
 * "Snippets that run".
 */
class DocSnippetsTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TestFactory
    Stream<DynamicTest> everyJavaAndYamlSnippet() throws Exception {
        // "cluster" blocks need the cluster services: camel-pop3lite-cluster's ClusterDocSnippetsTest compiles them
        List<DocSnippet> snippets = DocSnippet.all().stream()
                .filter(s -> s.language().equals("java") || s.language().equals("yaml"))
                .filter(s -> !s.cluster()).toList();
        return snippets.stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> check(s)));
    }

    @Test
    void theDocsHaveRoutesThatRun() throws Exception {
        List<DocSnippet> running = DocSnippet.all().stream()
                .filter(s -> !s.compileOnly() && (s.language().equals("yaml") || s.language().equals("java") && s.isRoute()))
                .toList();
        assertTrue(running.size() >= 3, "routes run against GreenMail: " + running);
        assertTrue(running.stream().anyMatch(s -> s.language().equals("yaml")), running.toString());
    }

    @Test
    void aSnippetThatCannotRunFailsWithThePageAndLine() {
        DocSnippet broken = new DocSnippet(DocSnippet.ROOT.resolve("docs/x.md"), 7, "java", false, false,
                "from(\"pop3lite:mail.example.com\").too(\"mock:x\");\n");
        AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> check(broken));
        assertTrue(error.getMessage().startsWith("docs/x.md:7 (java) does not compile:"), error.getMessage());
    }

    private static void check(DocSnippet snippet) throws Exception {
        if (snippet.language().equals("yaml")) {
            String yaml = snippet.code();
            if (snippet.compileOnly()) {
                try (CamelContext context = new DefaultCamelContext()) {
                    load(context, yaml);
                    assertFalse(((ModelCamelContext) context).getRouteDefinitions().isEmpty(), snippet + " defines no route");
                }
            } else {
                drain(snippet, context -> load(context, yaml));
            }
            return;
        }
        Class<?> compiled = SnippetCompiler.compile(snippet);
        if (snippet.isRoute() && !snippet.isCompilationUnit() && !snippet.compileOnly()) {
            drain(snippet, context -> context.addRoutes((RoutesBuilder) compiled.getConstructor().newInstance()));
        } else if (snippet.isCompilationUnit() && RoutesBuilder.class.isAssignableFrom(compiled) && !snippet.compileOnly()) {
            drain(snippet, context -> context.addRoutes((RoutesBuilder) compiled.getConstructor().newInstance()));
        } else {
            // statements and other types are compiled only: they may name hosts that are not on loopback
            assertTrue(compiled.getName().startsWith("Snippet") || snippet.isCompilationUnit(), snippet.toString());
        }
        if (compiled.getName().equals("Snippet")) {
            compiled.getMethod("run", CamelContext.class, String.class, OutputStream.class);
        }
    }

    private static void load(CamelContext context, String yaml) throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("snippet.camel.yaml", yaml));
    }

    interface RouteSetup {
        void addTo(CamelContext context) throws Exception;
    }

    /**
     * Starts the snippet's routes with each pop3lite: endpoint pointed at a GreenMail maildrop of
     * alice (TLS left out, {{mail.password}} her password), other endpoints mocked, and waits until
     * every message was routed without a failure.
     */
    private static void drain(DocSnippet snippet, RouteSetup routes) throws Exception {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3));
        greenMail.start();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            GreenMailUser alice = greenMail.setUser("alice@example.com", USER, PASSWORD);
            for (String subject : List.of("invoice 42", "hello")) {
                String raw = "From: bob@example.com\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
                alice.deliver(GreenMailUtil.newMimeMessage(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
            }
            Properties properties = new Properties();
            properties.setProperty("mail.password", PASSWORD);
            context.getPropertiesComponent().setInitialProperties(properties);
            DefaultComponentResolver resolver = new DefaultComponentResolver();
            context.getCamelContextExtension().addContextPlugin(ComponentResolver.class, (name, camel) -> {
                Component found = resolver.resolveComponent(name, camel);
                return found != null ? found : new MockComponent();
            });
            Outcomes outcomes = new Outcomes();
            context.getManagementStrategy().addEventNotifier(outcomes);

            routes.addTo(context);
            List<String> pop3Routes = new ArrayList<>();
            for (RouteDefinition route : new ArrayList<>(context.getRouteDefinitions())) {
                String uri = route.getInput().getEndpointUri();
                if (uri.startsWith("pop3lite:")) {
                    pop3Routes.add(uri);
                    String local = toGreenMail(uri, greenMail.getPop3().getPort());
                    AdviceWith.adviceWith(context, route, a -> {
                        a.replaceFromWith(local);
                        a.mockEndpointsAndSkip("*");
                    });
                }
            }
            assertFalse(pop3Routes.isEmpty(), snippet + " has no pop3lite: route; mark it compile-only if that is meant");
            context.start();
            await(snippet + " routes both messages").atMost(TIMEOUT)
                    .until(() -> outcomes.completed.get() >= 2 || !outcomes.failed.isEmpty());
            assertEquals(List.of(), outcomes.failed, snippet + " failed an Exchange");
        } finally {
            greenMail.stop();
        }
    }

    /** The snippet's endpoint with host and port of GreenMail, without TLS, polling at once. */
    static String toGreenMail(String uri, int port) throws Exception {
        String query = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
        Map<String, Object> options = new LinkedHashMap<>(URISupport.parseQuery(query, true));
        options.keySet().removeAll(List.of("security", "sslContextParameters", "hostnameVerification"));
        options.put("initialDelay", "0");
        // a route that leaves the login to component properties gets alice's
        options.putIfAbsent("username", USER);
        options.putIfAbsent("password", "RAW(" + PASSWORD + ")");
        options.putIfAbsent("mailboxId", TestMailboxes.fresh(USER));
        return "pop3lite:127.0.0.1:" + port + "?" + URISupport.createQueryString(options);
    }

    /** Exchanges of the snippet's routes that completed, and the errors of those that failed. */
    private static final class Outcomes extends EventNotifierSupport {
        final AtomicInteger completed = new AtomicInteger();
        final List<String> failed = new CopyOnWriteArrayList<>();

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeCompletedEvent done) {
                complete(done.getExchange());
            } else if (event instanceof CamelEvent.ExchangeFailedEvent failure) {
                Exchange exchange = failure.getExchange();
                failed.add(exchange.getFromEndpoint() + ": " + exchange.getException());
            }
        }

        private void complete(Exchange exchange) {
            if (exchange.getFromEndpoint() != null && exchange.getFromEndpoint().getEndpointUri().startsWith("pop3lite:")) {
                if (exchange.getException() != null) {
                    failed.add(exchange.getFromEndpoint() + ": " + exchange.getException());
                } else {
                    completed.incrementAndGet();
                }
            }
        }
    }
}
