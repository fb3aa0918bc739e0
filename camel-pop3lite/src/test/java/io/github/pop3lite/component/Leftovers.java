package io.github.pop3lite.component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a test of a failing message checks at its end: once the route stopped, no spool file of the context's
 * stream caching and no thread of the consumer is left.
 */
public final class Leftovers {

    private Leftovers() {
    }

    /** Stops the route, then waits until neither a spool file in {@code spoolDirectory} nor a consumer thread is left. */
    public static void assertNoneLeftAfterStop(CamelContext context, String routeId, Path spoolDirectory) throws Exception {
        context.getRouteController().stopRoute(routeId);
        await("no spool file left in " + spoolDirectory).atMost(Duration.ofSeconds(15))
                .until(() -> files(spoolDirectory).isEmpty());
        assertEquals(List.of(), files(spoolDirectory), "spool files left");
        assertEquals(List.of(), consumerThreads(context), "consumer threads left");
    }

    /** The threads of the context's pop3lite consumers (the scheduler names them after the endpoint). */
    public static List<String> consumerThreads(CamelContext context) {
        String name = "(" + context.getName() + ")";
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(thread -> thread.contains(name) && thread.contains("pop3lite")).toList();
    }

    /** The files in {@code directory} now; none when it does not exist (yet). */
    public static List<Path> files(Path directory) throws IOException {
        if (directory == null || !Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.toList();
        }
    }
}
