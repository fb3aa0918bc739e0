package io.github.pop3lite.example;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.main.Main;

/**
 * Boots the example with Camel Main: the routes are the YAML files in {@code src/main/resources/routes/},
 * the settings are in {@code application.properties} (each can be overridden by an environment variable or a
 * {@code -D} system property).
 *
 * <p>With no {@code pop3.host} it starts an embedded POP3 server seeded with sample mail, and with no
 * {@code broker.url} an embedded Artemis broker. Unless {@code example.keep-running} is true, it drains the
 * maildrop once, waits until every message it routed has arrived on its queue, prints a summary and exits: with
 * status 0, or 1 with the reason when the drain failed or did not finish within {@code example.timeout-seconds}.
 */
public final class MailToQueuesExample {

    private MailToQueuesExample() {
    }

    public static void main(String[] args) throws Exception {
        Outcome outcome = run(Map.of(), System.out, args);
        if (outcome.exitCode() != 0) {
            System.exit(outcome.exitCode());
        }
    }

    /**
     * Runs the example in this JVM and returns when it has ended.
     *
     * @param properties properties that take precedence over every other source (used by the tests)
     * @param out        where the summary is printed
     * @param args       Camel Main's command line arguments
     */
    public static Outcome run(Map<String, String> properties, PrintStream out, String... args) throws Exception {
        Main main = new Main();
        properties.forEach(main::addOverrideProperty);
        // Ctrl+C: end Camel Main, and keep the JVM alive until the routes have stopped, the summary is printed and
        // the embedded servers are down (the JVM halts as soon as its shutdown hooks have returned)
        CountDownLatch ended = new CountDownLatch(1);
        Thread shutdownHook = new Thread(() -> {
            main.completed();
            try {
                ended.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pop3lite-example-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try (ExampleRun run = new ExampleRun(out)) {
            main.addMainListener(run);
            try {
                main.run(args);
            } catch (Exception e) {
                return run.startFailed(e);
            }
            return run.outcome();
        } finally {
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
    }
}
