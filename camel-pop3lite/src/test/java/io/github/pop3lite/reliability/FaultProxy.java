package io.github.pop3lite.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * A loopback TCP proxy in front of a POP3 server that cuts the connection, both ways at once, at a
 * chosen protocol step. It follows the dialogue as it passes: the command lines from the client, and
 * the replies from the server, each matched to its command (status line, and for CAPA, LIST, UIDL,
 * RETR and TOP answered +OK, the dot-terminated data). So it can cut pipelined sessions too, and at a
 * precise octet of a reply.
 *
 * <p>A {@link Fault} says where to cut; {@link #inject(Fault, IntPredicate)} says on which connections
 * (numbered from 1 in the order the proxy accepted them), or {@link #plan} gives each its own. Each
 * connection is cut at most once, since a cut ends it; the other connections pass untouched, so the
 * client recovers on later ones.
 */
public final class FaultProxy extends LoopbackServer {

    /** How a fault cuts. */
    public enum Kind {
        /** After the greeting reached the client. */
        AFTER_GREETING,
        /** After the reply to the n-th command with the verb reached the client. */
        AFTER_REPLY,
        /** After {@code octets} octets of the reply to the n-th command with the verb (status line included). */
        IN_REPLY,
        /** When the client sends the n-th command with the verb: it is not forwarded. */
        AT_COMMAND,
        /** The n-th command with the verb is forwarded, its reply is read from the server and dropped. */
        REPLY_DROPPED
    }

    /**
     * Where to cut.
     *
     * @param kind       how
     * @param verb       the command concerned, for example {@code "RETR"}; {@code null} for the greeting
     * @param occurrence which command with that verb on the connection, from 1
     * @param octets     for {@link Kind#IN_REPLY}: octets of the reply the client gets; should the reply be
     *                   shorter, the cut follows its end
     */
    public record Fault(Kind kind, String verb, int occurrence, int octets) {

        public static Fault afterGreeting() {
            return new Fault(Kind.AFTER_GREETING, null, 1, 0);
        }

        public static Fault afterReply(String verb, int occurrence) {
            return new Fault(Kind.AFTER_REPLY, verb, occurrence, 0);
        }

        public static Fault inReply(String verb, int occurrence, int octets) {
            return new Fault(Kind.IN_REPLY, verb, occurrence, octets);
        }

        public static Fault atCommand(String verb, int occurrence) {
            return new Fault(Kind.AT_COMMAND, verb, occurrence, 0);
        }

        public static Fault replyDropped(String verb, int occurrence) {
            return new Fault(Kind.REPLY_DROPPED, verb, occurrence, 0);
        }

        boolean concerns(String command, int nth) {
            return verb != null && verb.equals(verbOf(command)) && nth == occurrence;
        }

        @Override
        public String toString() {
            return switch (kind) {
                case AFTER_GREETING -> "after the greeting";
                case AFTER_REPLY -> "after the reply to " + verb + " #" + occurrence;
                case IN_REPLY -> "after " + octets + " octets of the reply to " + verb + " #" + occurrence;
                case AT_COMMAND -> "at " + verb + " #" + occurrence + " (not forwarded)";
                case REPLY_DROPPED -> verb + " #" + occurrence + " forwarded, its reply dropped";
            };
        }
    }

    private final int targetPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> cuts = new CopyOnWriteArrayList<>();
    private volatile IntFunction<Fault> plan = n -> null;

    private FaultProxy(int targetPort) throws IOException {
        super("fault-proxy");
        this.targetPort = targetPort;
    }

    /** A proxy on 127.0.0.1, on a free port, to the server on 127.0.0.1:{@code targetPort}; no fault yet. */
    public static FaultProxy start(int targetPort) throws IOException {
        return accepting(new FaultProxy(targetPort));
    }

    /**
     * Cuts the connections whose number (from 1, counting every connection the proxy accepted) the
     * predicate accepts, at the fault. Applies to connections accepted from now on.
     */
    public void inject(Fault fault, IntPredicate onConnections) {
        plan(n -> onConnections.test(n) ? fault : null);
    }

    /** The fault of each connection accepted from now on, by its number; {@code null} for none. */
    public void plan(IntFunction<Fault> faultOfConnection) {
        this.plan = faultOfConnection;
    }

    /** Cuts only the {@code k}-th connection. */
    public void injectOnConnection(Fault fault, int k) {
        inject(fault, n -> n == k);
    }

    /** Lets every connection accepted from now on pass untouched. */
    public void heal() {
        plan(n -> null);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** One line per cut made: the connection and the step. */
    public List<String> cuts() {
        return List.copyOf(cuts);
    }

    @Override
    void accepted(Socket client) {
        int number = connections.incrementAndGet();
        Fault planned = plan.apply(number);
        Socket server;
        try {
            server = new Socket();
            server.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), targetPort), 5000);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        Link link = new Link(number, client, server, planned);
        startDaemon("fault-proxy-c2s-" + number, link::clientToServer);
        startDaemon("fault-proxy-s2c-" + number, link::serverToClient);
    }

    static String verbOf(String command) {
        int space = command.indexOf(' ');
        return (space < 0 ? command : command.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    /** Whether a +OK reply to the command carries dot-terminated data. */
    private static boolean multiLine(String command) {
        String verb = verbOf(command);
        boolean noArgument = command.indexOf(' ') < 0;
        return verb.equals("CAPA") || verb.equals("RETR") || verb.equals("TOP")
               || (verb.equals("LIST") || verb.equals("UIDL")) && noArgument;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** One proxied connection. */
    private final class Link {

        private static final int STATUS = 0;
        private static final int LINE_START = 1;
        private static final int MID_LINE = 2;
        private static final int DOT = 3;
        private static final int DOT_CR = 4;

        private final int number;
        private final Socket client;
        private final Socket server;
        private final Fault fault;
        /** Commands forwarded whose reply has not started yet, oldest first; guarded by itself. */
        private final ArrayDeque<String> awaiting = new ArrayDeque<>();
        private final Map<String, Integer> commandsSeen = new HashMap<>();
        private final Map<String, Integer> repliesSeen = new HashMap<>();
        private boolean cut;

        Link(int number, Socket client, Socket server, Fault fault) {
            this.number = number;
            this.client = client;
            this.server = server;
            this.fault = fault;
            open.add(client);
            open.add(server);
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                // only latency is at stake
            }
        }

        /** Cuts both directions; returns false when the link was already cut or closed. */
        private synchronized boolean cut(String where) {
            if (cut) {
                return false;
            }
            cut = true;
            cuts.add("connection " + number + ": " + where);
            closeBoth();
            return true;
        }

        private synchronized void closeBoth() {
            cut = true;
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            open.remove(server);
        }

        void clientToServer() {
            try {
                InputStream in = client.getInputStream();
                OutputStream out = server.getOutputStream();
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                ByteArrayOutputStream pending = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    for (int i = 0; i < n; i++) {
                        line.write(buffer[i]);
                        if (buffer[i] != '\n') {
                            continue;
                        }
                        byte[] bytes = line.toByteArray();
                        line.reset();
                        String command = new String(bytes, StandardCharsets.ISO_8859_1).strip();
                        int nth = commandsSeen.merge(verbOf(command), 1, Integer::sum);
                        if (fault != null && fault.kind() == Kind.AT_COMMAND && fault.concerns(command, nth)) {
                            out.write(pending.toByteArray());
                            out.flush();
                            cut(fault.toString());
                            return;
                        }
                        synchronized (awaiting) {
                            awaiting.add(command);
                        }
                        pending.write(bytes);
                    }
                    if (pending.size() > 0) {
                        out.write(pending.toByteArray());
                        out.flush();
                        pending.reset();
                    }
                }
                // the client is done sending: pass the end on, the server's answer may still come
                server.shutdownOutput();
            } catch (IOException e) {
                closeBoth();
            }
        }

        void serverToClient() {
            try {
                InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream();
                byte[] buffer = new byte[64 * 1024];
                ByteArrayOutputStream forward = new ByteArrayOutputStream(64 * 1024);
                int state = STATUS;
                String command = "greeting";
                boolean first = true;
                int nth = 1;
                long octets = 0;
                ByteArrayOutputStream status = new ByteArrayOutputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        if (state == STATUS && status.size() == 0) {
                            // a new reply starts: it answers the oldest command still waiting
                            if (!first) {
                                synchronized (awaiting) {
                                    command = awaiting.isEmpty() ? "(unsolicited)" : awaiting.poll();
                                }
                                nth = repliesSeen.merge(verbOf(command), 1, Integer::sum);
                            }
                            first = false;
                            octets = 0;
                        }
                        boolean target = fault != null && fault.concerns(command, nth);
                        if (!(target && fault.kind() == Kind.REPLY_DROPPED)) {
                            forward.write(b);
                        }
                        octets++;
                        if (target && fault.kind() == Kind.IN_REPLY && octets == fault.octets()) {
                            send(out, forward);
                            cut(fault.toString());
                            return;
                        }
                        boolean replyDone = false;
                        switch (state) {
                            case STATUS -> {
                                status.write(b);
                                if (b == '\n') {
                                    boolean ok = status.toString(StandardCharsets.ISO_8859_1).startsWith("+OK");
                                    status.reset();
                                    if (ok && !command.equals("greeting") && multiLine(command)) {
                                        state = LINE_START;
                                    } else {
                                        replyDone = true;
                                    }
                                }
                            }
                            case LINE_START -> state = b == '.' ? DOT : b == '\n' ? LINE_START : MID_LINE;
                            case MID_LINE -> state = b == '\n' ? LINE_START : MID_LINE;
                            case DOT -> {
                                if (b == '\n') {
                                    replyDone = true;
                                } else {
                                    state = b == '\r' ? DOT_CR : MID_LINE;
                                }
                            }
                            case DOT_CR -> {
                                if (b == '\n') {
                                    replyDone = true;
                                } else {
                                    state = MID_LINE;
                                }
                            }
                            default -> throw new IllegalStateException("state " + state);
                        }
                        if (!replyDone) {
                            continue;
                        }
                        state = STATUS;
                        boolean greetingDone = command.equals("greeting") && fault != null
                                               && fault.kind() == Kind.AFTER_GREETING;
                        if (greetingDone || target && fault.kind() != Kind.AT_COMMAND) {
                            // AFTER_REPLY, REPLY_DROPPED (nothing of it was forwarded), or an IN_REPLY
                            // whose reply was shorter than its octets
                            send(out, forward);
                            cut(fault.toString());
                            return;
                        }
                    }
                    send(out, forward);
                }
                closeBoth();
            } catch (IOException e) {
                closeBoth();
            }
        }

        private void send(OutputStream out, ByteArrayOutputStream forward) throws IOException {
            if (forward.size() > 0) {
                forward.writeTo(out);
                out.flush();
                forward.reset();
            }
        }
    }
}
