package io.github.pop3lite.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pop3lite.component.TestMailboxes;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/** What the reliability tests share: endpoint URIs, test messages, contexts, heap samples, the results file. */
final class Reliability {

    /** Where the tests write the numbers that docs/reliability.md reports. */
    static final Path RESULTS = Path.of("target", "reliability");

    private Reliability() {
    }

    /**
     * The endpoint for alice at 127.0.0.1:{@code port}, polling at once and then every {@code delay} ms;
     * {@code options} (each {@code name=value}) are appended and replace a default of the same name.
     */
    static String uri(int port, long delay, String... options) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("username", MaildropServer.USER);
        query.put("password", "RAW(" + MaildropServer.PASSWORD + ")");
        query.put("initialDelay", "0");
        query.put("delay", Long.toString(delay));
        query.put("readTimeout", "5000");
        query.put("mailboxId", TestMailboxes.fresh(MaildropServer.USER));
        for (String option : options) {
            int eq = option.indexOf('=');
            query.put(option.substring(0, eq), option.substring(eq + 1));
        }
        StringBuilder uri = new StringBuilder("pop3lite:127.0.0.1:" + port);
        char separator = '?';
        for (Map.Entry<String, String> entry : query.entrySet()) {
            uri.append(separator).append(entry.getKey()).append('=').append(entry.getValue());
            separator = '&';
        }
        return uri.toString();
    }

    /**
     * Message {@code n}: headers, and a body of about {@code bodyOctets} octets in CRLF lines, some of them
     * starting with dots (so the server must stuff them and the client unstuff them).
     */
    static byte[] message(int n, int bodyOctets) {
        StringBuilder text = new StringBuilder(bodyOctets + 200)
                .append("From: bob@example.com\r\n")
                .append("To: alice@example.com\r\n")
                .append("Subject: message ").append(n).append("\r\n")
                .append("Message-ID: <").append(n).append("@reliability.example>\r\n")
                .append("\r\n");
        int line = 0;
        while (text.length() < bodyOctets) {
            if (line % 9 == 4) {
                text.append(line % 2 == 0 ? "." : "..").append(" dotted line ").append(line).append(" of ").append(n);
            } else {
                text.append("line ").append(line).append(" of message ").append(n).append(": ")
                        .append("the quick brown fox jumps over the lazy dog");
            }
            text.append("\r\n");
            line++;
        }
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A started CamelContext with the beans bound and the routes added. */
    static CamelContext startContext(Map<String, Object> beans, RoutesBuilder routes) throws Exception {
        return startContext(beans, routes, null);
    }

    /** As {@link #startContext(Map, RoutesBuilder)}, spooling large messages to {@code spool} when it is given. */
    static CamelContext startContext(Map<String, Object> beans, RoutesBuilder routes, Path spool) throws Exception {
        CamelContext context = new DefaultCamelContext();
        if (spool != null) {
            context.getStreamCachingStrategy().setSpoolEnabled(true);
            context.getStreamCachingStrategy().setSpoolDirectory(spool.toFile());
        }
        beans.forEach(context.getRegistry()::bind);
        context.addRoutes(routes);
        context.start();
        return context;
    }

    /**
     * Ends a test: the context first, so that no poll is still talking to the servers, then the servers
     * in the order given. Any of them may be {@code null}, when the test failed before starting it.
     */
    static void stop(CamelContext context, AutoCloseable... servers) throws Exception {
        if (context != null) {
            context.stop();
        }
        for (AutoCloseable server : servers) {
            if (server != null) {
                server.close();
            }
        }
    }

    static long maxHeapMb() {
        return Runtime.getRuntime().maxMemory() >> 20;
    }

    /** Starts a results file afresh (see {@link #record}). */
    static synchronized void reset(String file) {
        try {
            Files.deleteIfExists(RESULTS.resolve(file + "-" + maxHeapMb() + "m.txt"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove the results file", e);
        }
    }

    /**
     * Appends a line to a results file under target/reliability, one file per heap size, so that the
     * run with the normal heap and the small-heap run (-Xmx64m) do not mix.
     */
    static synchronized void record(String file, String line) {
        try {
            Files.createDirectories(RESULTS);
            Path path = RESULTS.resolve(file + "-" + maxHeapMb() + "m.txt");
            Files.writeString(path, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the results file", e);
        }
    }
}
