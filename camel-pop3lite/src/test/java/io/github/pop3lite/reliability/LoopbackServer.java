package io.github.pop3lite.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listener on 127.0.0.1, on a port the system picks, that hands each connection to {@link #accepted}
 * on its one accepting thread, so that connections are taken strictly in the order they arrived.
 * Closing it also closes every socket in {@link #open}, so that no test leaves a session hanging.
 */
abstract class LoopbackServer implements AutoCloseable {

    /** Sockets to close with the server; subclasses add and remove theirs. */
    final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private volatile boolean closed;

    /** Binds; accepting waits for {@link #accepting}, so that no connection meets a half-built subclass. */
    LoopbackServer(String name) throws IOException {
        serverSocket = new ServerSocket();
        try {
            serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        } catch (IOException e) {
            serverSocket.close();
            throw e;
        }
        acceptor = new Thread(this::accept, name + "-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
    }

    /**
     * Takes one new connection, on the accepting thread: what must follow the order of arrival happens
     * here, the rest on a thread of its own ({@link #startDaemon}).
     */
    abstract void accepted(Socket socket);

    static <S extends LoopbackServer> S accepting(S server) {
        LoopbackServer listener = server;
        listener.acceptor.start();
        return server;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket socket : open) {
            socket.close();
        }
    }

    /** Daemon, so that a connection a test forgot cannot keep the JVM alive. */
    static void startDaemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            accepted(socket);
        }
    }
}
