package io.github.pop3lite.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a test server that passes the client's bytes on at once and
 * the server's either at once or, once {@link #startDripping} was called, one octet per interval:
 * whatever the server sends (TLS records included) then arrives as a trickle that never lets a
 * single read time out. One connection at a time.
 */
public final class DripProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile long intervalMillis = -1;

    private DripProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
        this.acceptor = new Thread(this::accept, "drip-proxy-" + listener.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Proxies to 127.0.0.1:targetPort; passes everything at once until {@link #startDripping}. */
    public static DripProxy to(int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        DripProxy proxy = new DripProxy(listener, targetPort);
        proxy.acceptor.start();
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on the server's octets go to the client one per {@code interval}. */
    public void startDripping(Duration interval) {
        intervalMillis = interval.toMillis();
    }

    private void accept() {
        try {
            while (!listener.isClosed()) {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getByName("127.0.0.1"), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client.getInputStream(), server.getOutputStream(), false, server, client);
                pump(server.getInputStream(), client.getOutputStream(), true, server, client);
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void pump(InputStream in, OutputStream out, boolean fromServer, Socket a, Socket b) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    for (int i = 0; i < n; ) {
                        long interval = intervalMillis;
                        if (fromServer && interval >= 0) {
                            out.write(buffer[i++]);
                            out.flush();
                            Thread.sleep(interval);
                        } else {
                            out.write(buffer, i, n - i);
                            out.flush();
                            i = n;
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // one side hung up
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "drip-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }
}
