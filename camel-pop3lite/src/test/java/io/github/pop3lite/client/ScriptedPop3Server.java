package io.github.pop3lite.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A POP3 server for tests that plays scripts byte for byte: each accepted connection follows the
 * next {@link Script}. It records every line the client sends, checks that each ends in CRLF, and
 * reports any deviation from the script through {@link #awaitScriptDone()}.
 *
 * <pre>{@code
 * try (ScriptedPop3Server server = ScriptedPop3Server.start(ScriptedPop3Server.script()
 *         .send("+OK ready\r\n")
 *         .expect("USER alice").send("+OK\r\n")
 *         .expectClosed())) {
 *     try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
 *         client.user("alice");
 *     }
 *     server.awaitScriptDone();
 * }
 * }</pre>
 *
 * <p>Text given as a {@code String} is sent as ISO-8859-1, so {@code "\u00ff"} is the octet 0xFF.
 */
public final class ScriptedPop3Server implements AutoCloseable {

    /** How long the server waits for the client to connect or to send a line before failing the script. */
    public static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

    private static final int MAX_CLIENT_LINE = 4096;

    private final ServerSocket serverSocket;
    private final List<Script> scripts;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Thread thread;
    private volatile Socket current;
    private volatile String position = "not started";
    private volatile boolean closed;

    private ScriptedPop3Server(ServerSocket serverSocket, List<Script> scripts) {
        this.serverSocket = serverSocket;
        this.scripts = scripts;
        this.thread = new Thread(this::run, "scripted-pop3-server-" + serverSocket.getLocalPort());
        this.thread.setDaemon(true);
    }

    /** A new, empty script for one connection. */
    public static Script script() {
        return new Script();
    }

    /** Listens on 127.0.0.1, on a free port, and plays one script per connection, in order. */
    public static ScriptedPop3Server start(Script... connections) throws IOException {
        return start(InetAddress.getByName("127.0.0.1"), connections);
    }

    /** Listens on the given address (for example {@code ::1}), on a free port. */
    public static ScriptedPop3Server start(InetAddress address, Script... connections) throws IOException {
        if (connections.length == 0) {
            throw new IllegalArgumentException("give at least one script");
        }
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(address, 0));
            socket.setSoTimeout((int) STEP_TIMEOUT.toMillis());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        ScriptedPop3Server server = new ScriptedPop3Server(socket, List.of(connections));
        server.thread.start();
        return server;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public InetAddress address() {
        return serverSocket.getInetAddress();
    }

    /** Options for a client of this server: its address and port, and timeouts short enough for tests. */
    public Pop3ClientOptions.Builder clientOptions() {
        return Pop3ClientOptions.builder(address().getHostAddress())
                .port(port())
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(5));
    }

    /** Every line the client sent so far, over all connections, without line endings. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** Waits up to {@link #STEP_TIMEOUT} for every script to finish; see {@link #awaitScriptDone(Duration)}. */
    public void awaitScriptDone() {
        awaitScriptDone(STEP_TIMEOUT);
    }

    /**
     * Waits for every script to finish.
     *
     * @throws AssertionError when a step failed (the client sent something else, or nothing) or the
     *                        scripts did not finish in time; the message tells the step and what the
     *                        client had sent
     */
    public void awaitScriptDone(Duration timeout) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("Scripted POP3 server still at " + position + " after " + timeout.toMillis()
                    + " ms; the client sent " + received);
        } catch (ExecutionException e) {
            throw new AssertionError("Scripted POP3 server failed at " + position + ": " + e.getCause().getMessage()
                    + "; the client sent " + received, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the scripted POP3 server", e);
        }
    }

    /** Stops listening and drops the current connection; a script still running ends with a failure. */
    @Override
    public void close() throws IOException {
        closed = true;
        Socket socket = current;
        if (socket != null) {
            socket.close();
        }
        serverSocket.close();
    }

    private void run() {
        try {
            for (int i = 0; i < scripts.size(); i++) {
                String connection = "connection " + (i + 1) + " of " + scripts.size();
                position = connection + ", waiting for the client to connect";
                try (Socket socket = serverSocket.accept()) {
                    current = socket;
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout((int) STEP_TIMEOUT.toMillis());
                    Connection c = new Connection(socket);
                    List<Step> steps = scripts.get(i).steps;
                    List<String> descriptions = scripts.get(i).descriptions;
                    for (int j = 0; j < steps.size(); j++) {
                        position = connection + ", step " + (j + 1) + " (" + descriptions.get(j) + ")";
                        steps.get(j).run(c);
                    }
                    position = connection + ", closing";
                    c.socket.close();
                } finally {
                    current = null;
                }
            }
            position = "done";
            done.complete(null);
        } catch (Throwable t) {
            done.completeExceptionally(closed ? new AssertionError("the server was closed", t) : t);
        }
    }

    /** One action of a script, run on the server's thread against the current connection. */
    @FunctionalInterface
    public interface Step {
        void run(Connection connection) throws Exception;
    }

    /** The server's side of one connection, for {@link Step}s. */
    public final class Connection {

        private Socket socket;
        private InputStream in;
        private OutputStream out;

        private Connection(Socket socket) throws IOException {
            switchTo(socket);
        }

        private void switchTo(Socket newSocket) throws IOException {
            socket = newSocket;
            in = newSocket.getInputStream();
            out = newSocket.getOutputStream();
        }

        public Socket socket() {
            return socket;
        }

        /** Unbuffered: each write goes out at once. */
        public OutputStream out() {
            return out;
        }

        /**
         * Reads one line from the client and records it. Reads octet by octet, so nothing the client
         * sends after the line (say, a TLS handshake) is taken from the socket.
         *
         * @return the line without its CRLF, or {@code null} when the client closed the connection
         */
        public String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the client sent no complete line within " + STEP_TIMEOUT.toMillis()
                            + " ms (so far: '" + line.toString(StandardCharsets.ISO_8859_1) + "')");
                } catch (SocketException e) {
                    // a client that closes with unread data in its buffer resets the connection
                    b = -1;
                }
                if (b < 0) {
                    if (line.size() > 0) {
                        throw new AssertionError("the client closed the connection in the middle of the line '"
                                + line.toString(StandardCharsets.ISO_8859_1) + "'");
                    }
                    return null;
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                        received.add(text);
                        throw new AssertionError("the client ended the line '" + text + "' with a bare LF, not CRLF");
                    }
                    text = text.substring(0, text.length() - 1);
                    received.add(text);
                    return text;
                }
                line.write(b);
                if (line.size() > MAX_CLIENT_LINE) {
                    throw new AssertionError("the client sent a line of more than " + MAX_CLIENT_LINE + " octets");
                }
            }
        }

        /** Sends octets, split into writes of at most {@code chunkSize}, each flushed on its own. */
        public void write(byte[] bytes, int chunkSize) throws IOException {
            for (int i = 0; i < bytes.length; i += chunkSize) {
                out.write(bytes, i, Math.min(chunkSize, bytes.length - i));
                out.flush();
            }
        }

        /** Layers TLS over the connection in server mode and completes the handshake. */
        public void startTls(SSLContext context) throws IOException {
            SSLSocket ssl = (SSLSocket) context.getSocketFactory()
                    .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.setSoTimeout((int) STEP_TIMEOUT.toMillis());
            // the closing step must close the TLS layer too
            current = ssl;
            switchTo(ssl);
            ssl.startHandshake();
        }
    }

    /** The steps for one connection, in order. Build with {@link ScriptedPop3Server#script()}. */
    public static final class Script {

        private final List<Step> steps = new ArrayList<>();
        private final List<String> descriptions = new ArrayList<>();

        private Script() {
        }

        /** Any step of your own. */
        public Script step(String description, Step step) {
            descriptions.add(description);
            steps.add(step);
            return this;
        }

        /** Sends the text (ISO-8859-1) in one write. */
        public Script send(String text) {
            return send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public Script send(byte[] bytes) {
            byte[] copy = bytes.clone();
            return step("send " + abbreviate(copy), c -> c.write(copy, Math.max(1, copy.length)));
        }

        /** Sends the text in writes of {@code chunkSize} octets, each flushed on its own (TCP_NODELAY is on). */
        public Script sendInChunks(String text, int chunkSize) {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            return step("send in chunks of " + chunkSize + ": " + abbreviate(bytes), c -> c.write(bytes, chunkSize));
        }

        /**
         * Sends the text one octet at a time, waiting {@code interval} after each, as a slow or
         * hostile server does. Stops early, without failing, when the client hangs up.
         */
        public Script drip(String text, Duration interval) {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            return step("drip one octet every " + interval.toMillis() + " ms: " + abbreviate(bytes), c -> {
                try {
                    for (byte b : bytes) {
                        c.out().write(b);
                        c.out().flush();
                        Thread.sleep(interval.toMillis());
                    }
                } catch (SocketException e) {
                    // the client gave up, which is what a drip test waits for
                }
            });
        }

        /** Sends a generated message, dot-stuffed and terminated, without holding it in memory. */
        public Script send(GeneratedMessage message) {
            return step("send " + message, c -> message.writeTo(c.out()));
        }

        /** Expects the client to send exactly this line (without CRLF). */
        public Script expect(String line) {
            return step("expect '" + line + "'", c -> {
                String got = c.readLine();
                if (got == null) {
                    throw new AssertionError("expected the client to send '" + line + "' but it closed the connection");
                }
                if (!got.equals(line)) {
                    throw new AssertionError("expected the client to send '" + line + "' but it sent '" + got + "'");
                }
            });
        }

        /** Expects one line and hands it to {@code check}, which may assert on it (say, an APOP digest). */
        public Script expect(String description, Consumer<String> check) {
            return step("expect " + description, c -> {
                String got = c.readLine();
                if (got == null) {
                    throw new AssertionError("expected the client to send " + description
                            + " but it closed the connection");
                }
                check.accept(got);
            });
        }

        /** Expects the client to close the connection without sending anything more. */
        public Script expectClosed() {
            return step("expect the client to close the connection", c -> {
                String got = c.readLine();
                if (got != null) {
                    throw new AssertionError("expected the client to close the connection but it sent '" + got + "'");
                }
            });
        }

        /**
         * Sends nothing more but keeps the connection open until the client closes it (lines it sends
         * meanwhile are recorded), as a server that has stopped answering does.
         */
        public Script stall() {
            return step("stall until the client closes the connection", c -> {
                while (c.readLine() != null) {
                    // recorded by readLine; a stalled server answers nothing
                }
            });
        }

        /** Waits on the server's side, for example to let the client start waiting for more data. */
        public Script pause(Duration duration) {
            return step("pause " + duration.toMillis() + " ms", c -> Thread.sleep(duration.toMillis()));
        }

        /** Closes the connection from the server's side. */
        public Script hangUp() {
            return step("hang up", c -> c.socket().close());
        }

        /** Switches the connection to TLS (server mode) at this point; fails when the handshake fails. */
        public Script startTls(SSLContext context) {
            return step("TLS handshake", c -> c.startTls(context));
        }

        /** Offers TLS with this context and expects the client to abort the handshake (say, on a name mismatch). */
        public Script expectTlsRefused(SSLContext context) {
            return step("TLS handshake that the client must refuse", c -> {
                try {
                    c.startTls(context);
                } catch (IOException expected) {
                    return;
                }
                throw new AssertionError("the client completed a TLS handshake that it should have refused");
            });
        }

        private static String abbreviate(byte[] bytes) {
            String text = Pop3Reply.printable(new String(bytes, 0, Math.min(bytes.length, 60),
                    StandardCharsets.ISO_8859_1));
            return "'" + text + (bytes.length > 60 ? "...' (" + bytes.length + " octets)" : "'");
        }
    }

    @Override
    public String toString() {
        return "ScriptedPop3Server" + Arrays.asList(address().getHostAddress(), port()) + " at " + position;
    }
}
