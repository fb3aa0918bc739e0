package io.github.pop3lite.client;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import jdk.net.ExtendedSocketOptions;

/**
 * Makes the next segments the server sends be acknowledged at once (Linux TCP_QUICKACK). A server
 * that writes a reply in pieces with Nagle's algorithm on holds the second piece until the first is
 * acknowledged, and a client that delays its ACK (40 ms on Linux) then waits that long for every
 * reply it awaits. Linux drops quick-ACK mode again as soon as the connection looks interactive, so
 * it is armed before every read.
 */
final class QuickAck {

    private static final SocketOption<Boolean> OPTION = ExtendedSocketOptions.TCP_QUICKACK;

    private QuickAck() {
    }

    /**
     * Arms quick ACKs on the socket (for a TLS socket layered over a TCP one, on that one).
     *
     * @return whether the platform supports it, so that the caller need not try again
     */
    static boolean arm(Socket socket) {
        try {
            socket.setOption(OPTION, Boolean.TRUE);
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }
}
