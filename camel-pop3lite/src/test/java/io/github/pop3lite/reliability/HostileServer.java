package io.github.pop3lite.reliability;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server on one port whose behaviour the test changes while the client keeps connecting: hostile
 * for a while, then well-behaved (for example {@link MaildropServer#serve}), to see a client survive
 * the one and recover with the other. Each connection gets the behaviour that was current when it was
 * accepted, on a thread of its own.
 */
final class HostileServer extends LoopbackServer {

    /** What the server does with one connection. */
    @FunctionalInterface
    interface Behaviour {
        void serve(Socket socket) throws Exception;
    }

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong octetsSent = new AtomicLong();
    private volatile Behaviour behaviour;

    private HostileServer(Behaviour behaviour) throws IOException {
        super("hostile-server");
        this.behaviour = behaviour;
    }

    static HostileServer start(Behaviour behaviour) throws IOException {
        return accepting(new HostileServer(behaviour));
    }

    /** The behaviour of the connections accepted from now on. */
    void behave(Behaviour next) {
        behaviour = next;
    }

    int connections() {
        return connections.get();
    }

    /** Octets the hostile behaviours managed to write, over all connections since the last call. */
    long takeOctetsSent() {
        return octetsSent.getAndSet(0);
    }

    @Override
    void accepted(Socket socket) {
        connections.incrementAndGet();
        Behaviour current = behaviour;
        startDaemon("hostile-connection-" + socket.getPort(), () -> {
            open.add(socket);
            try (socket) {
                current.serve(socket);
            } catch (Exception e) {
                // the client hung up on a hostile server, which is what the tests wait for
            } finally {
                open.remove(socket);
            }
        });
    }

    /** The server's end of a connection: command lines in, counted octets out. */
    final class Dialogue {

        private final InputStream in;
        private final OutputStream out;

        Dialogue(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            this.in = socket.getInputStream();
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024) {
                @Override
                public synchronized void write(byte[] b, int off, int len) throws IOException {
                    super.write(b, off, len);
                    octetsSent.addAndGet(len);
                }

                @Override
                public synchronized void write(int b) throws IOException {
                    super.write(b);
                    octetsSent.incrementAndGet();
                }
            };
        }

        OutputStream out() {
            return out;
        }

        /** Sends the text (ISO-8859-1) and flushes. */
        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** One command line, without CRLF; {@code null} when the client closed the connection. */
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.ISO_8859_1).strip();
                }
                line.write(b);
            }
            return null;
        }

        /**
         * Greets, then answers USER, PASS, CAPA (USER and UIDL) and QUIT as a plain server would, and
         * hands every other command to {@code answer}.
         */
        void serve(Answer answer) throws Exception {
            send("+OK hostile server ready\r\n");
            for (String line = readLine(); line != null; line = readLine()) {
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "USER", "PASS" -> send("+OK\r\n");
                    case "CAPA" -> send("+OK\r\nUSER\r\nUIDL\r\n.\r\n");
                    case "QUIT" -> {
                        send("+OK bye\r\n");
                        return;
                    }
                    default -> answer.answer(line, this);
                }
            }
        }
    }

    /** Answers one command of a {@link Dialogue#serve} session. */
    @FunctionalInterface
    interface Answer {
        void answer(String command, Dialogue dialogue) throws Exception;
    }
}
