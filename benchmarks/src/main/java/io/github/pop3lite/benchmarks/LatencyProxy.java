package io.github.pop3lite.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy that delays every chunk of data, in each direction, by a fixed time: 10 ms each way turns
 * loopback into a 20 ms round trip, like a mail server in another city.
 *
 * <p>Scheduled delivery, one queue per direction: a reader thread stamps each chunk it reads with the time it is due
 * ({@code arrival + delay}) and queues it; a writer thread sends the chunks in order, each when it is due. Order is
 * kept, nothing is throttled (the queue is unbounded and the reader never waits for the writer), so the proxy adds
 * latency and not a bandwidth limit. An end of stream is delayed like data, then forwarded as a half-close.
 *
 * <p>Two changes to the server's side of the dialogue make it look like servers other than Dovecot:
 * {@code hidePipelining} takes the PIPELINING line out of each CAPA reply (as Exchange Online and Gmail never
 * announce it), and {@code inPieces} writes every chunk from the server to the client in two writes, its first line
 * and the rest, with Nagle's algorithm on, as servers do that write a reply's status line and data apart.
 */
public final class LatencyProxy implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final boolean hidePipelining;
    private final boolean inPieces;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    /** Listens on an ephemeral port of 127.0.0.1 and forwards each connection to {@code target}. */
    public LatencyProxy(InetSocketAddress target, Duration oneWayDelay) throws IOException {
        this(target, oneWayDelay, false, false);
    }

    /** As {@link #LatencyProxy(InetSocketAddress, Duration)}, changing the server's side as the class says. */
    public LatencyProxy(InetSocketAddress target, Duration oneWayDelay, boolean hidePipelining, boolean inPieces)
            throws IOException {
        this.target = target;
        this.delayNanos = oneWayDelay.toNanos();
        this.hidePipelining = hidePipelining;
        this.inPieces = inPieces;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "latency-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int id = connections.incrementAndGet();
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(!inPieces);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 10_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            Link link = new Link(client, upstream);
            new Direction(link, client, upstream, true, "latency-proxy-" + id + "-up").start();
            new Direction(link, upstream, client, false, "latency-proxy-" + id + "-down").start();
        }
    }

    /** The two sockets of one proxied connection; closed together when both directions ended or one failed. */
    private final class Link {
        final Socket a;
        final Socket b;
        final AtomicInteger open = new AtomicInteger(2);
        /** The client sent CAPA, whose reply is not through yet. */
        volatile boolean capaPending;

        Link(Socket a, Socket b) {
            this.a = a;
            this.b = b;
        }

        void directionDone() {
            if (open.decrementAndGet() == 0) {
                kill();
            }
        }

        void kill() {
            closeQuietly(a);
            closeQuietly(b);
            sockets.remove(a);
            sockets.remove(b);
        }
    }

    /** A chunk of data, or the end of the stream when {@code data} is null. */
    private record Chunk(long due, byte[] data) {
    }

    private final class Direction {
        private final Link link;
        private final Socket from;
        private final Socket to;
        /** Client to server. */
        private final boolean up;
        private final String name;
        private final ByteArrayOutputStream capaReply = new ByteArrayOutputStream();
        private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();

        Direction(Link link, Socket from, Socket to, boolean up, String name) {
            this.link = link;
            this.from = from;
            this.to = to;
            this.up = up;
            this.name = name;
        }

        void start() {
            Thread reader = new Thread(this::read, name + "-read");
            Thread writer = new Thread(this::write, name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void read() {
            byte[] buffer = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (n > 0) {
                        if (up && hidePipelining && isCapa(buffer, n)) {
                            // set before the command goes on, so before its reply can come back
                            link.capaPending = true;
                        }
                        queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                    }
                }
                queue.add(new Chunk(System.nanoTime() + delayNanos, null));
            } catch (IOException e) {
                // reset by a peer, or closed by the other direction: the end of this connection
                queue.add(new Chunk(System.nanoTime(), null));
            }
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    for (long wait = chunk.due() - System.nanoTime(); wait > 0; wait = chunk.due() - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    if (chunk.data() == null) {
                        if (!to.isClosed() && !to.isOutputShutdown()) {
                            to.shutdownOutput();
                        }
                        link.directionDone();
                        return;
                    }
                    if (!up && hidePipelining && link.capaPending) {
                        capaReply.write(chunk.data());
                        byte[] reply = withoutPipelining(capaReply.toByteArray());
                        if (reply == null) {
                            continue; // the rest of the CAPA reply is still to come
                        }
                        capaReply.reset();
                        link.capaPending = false;
                        send(out, reply);
                    } else {
                        send(out, chunk.data());
                    }
                }
            } catch (IOException e) {
                link.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                link.kill();
            }
        }
    }

    private void send(OutputStream out, byte[] data) throws IOException {
        int firstLine = 0;
        while (inPieces && firstLine < data.length && data[firstLine++] != '\n') {
            // up to and with the first LF
        }
        if (inPieces && firstLine < data.length) {
            out.write(data, 0, firstLine);
            out.write(data, firstLine, data.length - firstLine);
        } else {
            out.write(data);
        }
    }

    private static boolean isCapa(byte[] buffer, int n) {
        String text = new String(buffer, 0, Math.min(n, 4096), StandardCharsets.ISO_8859_1);
        return text.startsWith("CAPA\r\n") || text.startsWith("capa\r\n") || text.contains("\nCAPA\r\n");
    }

    /**
     * A whole CAPA reply without its PIPELINING line, or {@code null} while the reply is incomplete. An -ERR
     * reply is one line.
     */
    static byte[] withoutPipelining(byte[] reply) {
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        if (text.startsWith("-")) {
            return text.contains("\n") ? reply : null;
        }
        if (!text.endsWith("\r\n.\r\n")) {
            return null;
        }
        return text.replaceAll("(?mi)^PIPELINING\r\n", "").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }
}
