package io.github.pop3lite.reliability;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small, correct POP3 server (RFC 1939) holding one in-memory maildrop, for reliability tests.
 *
 * <ul>
 * <li>Messages keep their unique id (UIDL) for as long as they stay.</li>
 * <li>One session at a time holds the maildrop; a second login gets {@code -ERR [IN-USE]}.</li>
 * <li>A session sees the maildrop as it was at login; DELE only marks, and the marked messages are
 * removed when QUIT ends a TRANSACTION, before its {@code +OK} goes out. A session that ends any other
 * way (a cut connection) leaves the maildrop exactly as it was. This is where GreenMail differs, and
 * why fault injection needs this server: there, a DELE hides the message from every later session.</li>
 * <li>CAPA lists USER, UIDL, RESP-CODES and, when {@link #pipelining(boolean) switched on}, PIPELINING.
 * Replies are buffered and flushed when no further command is waiting, so pipelined commands are
 * answered in one write, as real servers do.</li>
 * <li>Commands a client sends before the reply to the previous one, while PIPELINING is not announced,
 * are counted ({@link #commandsSentAhead()}): a client must never do that.</li>
 * </ul>
 *
 * <p>Thread per connection, 127.0.0.1, a port the system picks. User {@value #USER}, password
 * {@value #PASSWORD}, USER/PASS only (the greeting carries no APOP timestamp).
 */
public final class MaildropServer extends LoopbackServer {

    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret";

    /** Longest command line accepted; RFC 2449 allows 255 octets. */
    private static final int MAX_COMMAND = 1024;

    /** One message: its unique id, its octets as the client must receive them, and those octets dot-stuffed. */
    record Mail(String uid, byte[] content, byte[] stuffed) {
    }

    /** The maildrop, in order; guarded by itself. */
    private final List<Mail> maildrop = new ArrayList<>();
    private final AtomicBoolean locked = new AtomicBoolean();
    private final AtomicLong nextUid = new AtomicLong(1);
    private final Map<String, AtomicInteger> commands = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger inUseRefusals = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger sessionsEndedWithoutQuit = new AtomicInteger();
    private final AtomicInteger sentAhead = new AtomicInteger();
    private volatile boolean pipelining;

    private MaildropServer(boolean pipelining) throws IOException {
        super("maildrop-server");
        this.pipelining = pipelining;
    }

    /** Listens on 127.0.0.1, on a free port. */
    public static MaildropServer start(boolean pipelining) throws IOException {
        return accepting(new MaildropServer(pipelining));
    }

    /** Whether CAPA lists PIPELINING, from the next CAPA on. */
    public void pipelining(boolean on) {
        pipelining = on;
    }

    /** Adds a message with a new unique id ({@code m1}, {@code m2}, ...) and returns that id. */
    public String add(byte[] content) {
        String uid = "m" + nextUid.getAndIncrement();
        add(uid, content);
        return uid;
    }

    /** Adds a message with the given unique id; {@code content} is what the client must receive. */
    public void add(String uid, byte[] content) {
        byte[] stuffed = stuff(content);
        Mail mail = new Mail(uid, content, stuffed == null ? content : stuffed);
        synchronized (maildrop) {
            maildrop.add(mail);
        }
    }

    /** The unique ids of the messages in the maildrop (deletions not yet committed do not count). */
    public List<String> uids() {
        synchronized (maildrop) {
            return maildrop.stream().map(Mail::uid).toList();
        }
    }

    /** How many messages the maildrop holds. */
    public int size() {
        synchronized (maildrop) {
            return maildrop.size();
        }
    }

    /** The content of each message in the maildrop, by unique id. */
    public Map<String, byte[]> contents() {
        synchronized (maildrop) {
            Map<String, byte[]> all = new TreeMap<>();
            maildrop.forEach(mail -> all.put(mail.uid(), mail.content()));
            return all;
        }
    }

    /** How often the command (verb, any case) arrived over all sessions. */
    public int count(String verb) {
        AtomicInteger n = commands.get(verb.toUpperCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    /** Every verb received and how often, sorted by verb. */
    public Map<String, Integer> counts() {
        Map<String, Integer> all = new TreeMap<>();
        commands.forEach((verb, n) -> all.put(verb, n.get()));
        return all;
    }

    /** Connections served (greeted). */
    public int sessions() {
        return sessions.get();
    }

    /** Logins refused with [IN-USE] because another session held the maildrop. */
    public int inUseRefusals() {
        return inUseRefusals.get();
    }

    /** QUITs from TRANSACTION, that is, committed sessions (whether or not the client got the +OK). */
    public int commits() {
        return commits.get();
    }

    /** Sessions that had logged in and ended without QUIT: nothing of theirs was deleted. */
    public int sessionsEndedWithoutQuit() {
        return sessionsEndedWithoutQuit.get();
    }

    /** Commands that arrived before the reply to the previous one while PIPELINING was not announced. */
    public int commandsSentAhead() {
        return sentAhead.get();
    }

    /** Whether a session holds the maildrop now. */
    public boolean isLocked() {
        return locked.get();
    }

    @Override
    void accepted(Socket socket) {
        startDaemon("maildrop-session-" + socket.getPort(), () -> serve(socket));
    }

    /**
     * Runs one POP3 session on a connected socket, on the caller's thread, and closes the socket at its
     * end. Public so that a test server can hand a connection over to this maildrop.
     */
    public void serve(Socket socket) {
        open.add(socket);
        try {
            new Session(socket).run();
        } catch (IOException e) {
            // the client went away or the connection was cut: the session ends, the maildrop stays as it was
        } finally {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
        }
    }

    /** One connection's state: AUTHORIZATION, then TRANSACTION over a snapshot of the maildrop. */
    private final class Session {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private String user;
        private boolean transaction;
        private List<Mail> view;
        private boolean[] deleted;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            // a client that vanished without a FIN must not hold the maildrop forever
            socket.setSoTimeout(120_000);
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        void run() throws IOException {
            sessions.incrementAndGet();
            boolean quit = false;
            try {
                reply("+OK pop3lite maildrop server ready");
                out.flush();
                for (String line = readLine(); line != null; line = readLine()) {
                    if (!pipelining && in.available() > 0) {
                        // the next command is already here although this one is not answered yet
                        sentAhead.incrementAndGet();
                    }
                    String[] words = line.split(" ", -1);
                    String verb = words[0].toUpperCase(Locale.ROOT);
                    commands.computeIfAbsent(verb, v -> new AtomicInteger()).incrementAndGet();
                    if (verb.equals("QUIT")) {
                        quit();
                        quit = true;
                        out.flush();
                        return;
                    }
                    command(verb, words);
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
            } finally {
                if (transaction) {
                    if (!quit) {
                        sessionsEndedWithoutQuit.incrementAndGet();
                    }
                    transaction = false;
                    locked.set(false);
                }
            }
        }

        private void command(String verb, String[] words) throws IOException {
            switch (verb) {
                case "CAPA" -> {
                    reply("+OK capability list follows");
                    line("USER");
                    line("UIDL");
                    line("RESP-CODES");
                    if (pipelining) {
                        line("PIPELINING");
                    }
                    line(".");
                }
                case "USER" -> {
                    if (transaction || words.length != 2) {
                        reply("-ERR USER not allowed here");
                    } else {
                        user = words[1];
                        reply("+OK");
                    }
                }
                case "PASS" -> pass(words);
                case "NOOP" -> {
                    if (requireTransaction()) {
                        reply("+OK");
                    }
                }
                case "STAT" -> {
                    if (requireTransaction()) {
                        int count = 0;
                        long octets = 0;
                        for (int i = 0; i < view.size(); i++) {
                            if (!deleted[i]) {
                                count++;
                                octets += view.get(i).content().length;
                            }
                        }
                        reply("+OK " + count + " " + octets);
                    }
                }
                case "LIST", "UIDL" -> listing(verb, words);
                case "RETR" -> {
                    int n = message(words);
                    if (n > 0) {
                        Mail mail = view.get(n - 1);
                        reply("+OK " + mail.content().length + " octets");
                        out.write(mail.stuffed());
                        byte[] c = mail.content();
                        if (c.length > 0 && c[c.length - 1] != '\n') {
                            out.write('\r');
                            out.write('\n');
                        }
                        line(".");
                    }
                }
                case "DELE" -> {
                    int n = message(words);
                    if (n > 0) {
                        deleted[n - 1] = true;
                        reply("+OK message " + n + " deleted");
                    }
                }
                case "RSET" -> {
                    if (requireTransaction()) {
                        deleted = new boolean[view.size()];
                        reply("+OK");
                    }
                }
                default -> reply("-ERR unknown command " + verb);
            }
        }

        private void pass(String[] words) throws IOException {
            if (transaction || user == null || words.length < 2) {
                reply("-ERR PASS must follow USER");
                return;
            }
            String password = String.join(" ", List.of(words).subList(1, words.length));
            if (!user.equals(USER) || !password.equals(PASSWORD)) {
                user = null;
                reply("-ERR [AUTH] invalid user name or password");
                return;
            }
            if (!locked.compareAndSet(false, true)) {
                inUseRefusals.incrementAndGet();
                reply("-ERR [IN-USE] maildrop already locked by another session");
                return;
            }
            synchronized (maildrop) {
                view = new ArrayList<>(maildrop);
            }
            deleted = new boolean[view.size()];
            transaction = true;
            reply("+OK maildrop locked and ready, " + view.size() + " messages");
        }

        private void listing(String verb, String[] words) throws IOException {
            if (!requireTransaction()) {
                return;
            }
            if (words.length > 1) {
                int n = message(words);
                if (n > 0) {
                    reply("+OK " + n + " " + entry(verb, view.get(n - 1)));
                }
                return;
            }
            reply("+OK");
            for (int i = 0; i < view.size(); i++) {
                if (!deleted[i]) {
                    line((i + 1) + " " + entry(verb, view.get(i)));
                }
            }
            line(".");
        }

        private String entry(String verb, Mail mail) {
            return verb.equals("LIST") ? Integer.toString(mail.content().length) : mail.uid();
        }

        /** The message number of the command's argument, or 0 after answering -ERR. */
        private int message(String[] words) throws IOException {
            if (!requireTransaction()) {
                return 0;
            }
            int n;
            try {
                n = words.length == 2 ? Integer.parseInt(words[1]) : 0;
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1 || n > view.size()) {
                reply("-ERR no such message");
                return 0;
            }
            if (deleted[n - 1]) {
                reply("-ERR message " + n + " already deleted");
                return 0;
            }
            return n;
        }

        private void quit() throws IOException {
            if (transaction) {
                // UPDATE: remove what this session marked, then answer; the client may never read the answer
                Set<Mail> gone = Collections.newSetFromMap(new IdentityHashMap<>());
                for (int i = 0; i < view.size(); i++) {
                    if (deleted[i]) {
                        gone.add(view.get(i));
                    }
                }
                synchronized (maildrop) {
                    maildrop.removeIf(gone::contains);
                }
                commits.incrementAndGet();
                transaction = false;
                locked.set(false);
                reply("+OK bye, " + gone.size() + " messages deleted");
            } else {
                reply("+OK bye");
            }
        }

        private boolean requireTransaction() throws IOException {
            if (!transaction) {
                reply("-ERR log in first");
            }
            return transaction;
        }

        private void reply(String status) throws IOException {
            line(status);
        }

        private void line(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.write('\r');
            out.write('\n');
        }

        /** A command line without its CRLF, or {@code null} when the client closed the connection. */
        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (SocketException e) {
                    return null;
                }
                if (b < 0) {
                    return null;
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
                if (line.size() > MAX_COMMAND) {
                    reply("-ERR command line too long");
                    out.flush();
                    socket.close();
                    return null;
                }
            }
        }
    }

    /** The content dot-stuffed (RFC 1939), or {@code null} when no line starts with a dot. */
    static byte[] stuff(byte[] content) {
        boolean needed = false;
        for (int i = 0; i < content.length && !needed; i++) {
            needed = content[i] == '.' && (i == 0 || content[i - 1] == '\n');
        }
        if (!needed) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 16);
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '.' && (i == 0 || content[i - 1] == '\n')) {
                out.write('.');
            }
            out.write(content[i]);
        }
        return out.toByteArray();
    }
}
