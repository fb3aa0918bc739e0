package io.github.pop3lite.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A POP3 server in the harness's JVM whose maildrop is generated, not stored: message {@code i} is made from a
 * template when it is asked for, so a maildrop of a million messages costs 4 MB (one int per message) instead of a
 * million files. It is for workload h, where Dovecot would spend most of the run creating, indexing and removing
 * files (docs/performance.md, workload h).
 *
 * <p>It speaks what the clients use: USER, PASS, CAPA (announcing PIPELINING, as Dovecot does), STAT, LIST, UIDL,
 * RETR, DELE, NOOP, RSET, QUIT; it reads pipelined commands and flushes its replies when no more commands are
 * waiting, with TCP_NODELAY, as Dovecot does. One session at a time holds the maildrop; deletions are committed at
 * QUIT and the remaining messages numbered anew, as RFC 1939 says.
 */
final class SyntheticPop3Server implements MailServer {

    private static final String USER = "alice";
    private static final String PASSWORD = "alicepw";
    private static final int MAX_LINE = 512;

    private final int count;
    private final byte[] template;
    /** Where the seven digits of the message's id go in the template. */
    private final int[] idOffsets;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final AtomicBoolean locked = new AtomicBoolean();
    /** The ids (1 to count) of the messages in the maildrop, in maildrop order. */
    private volatile int[] maildrop = new int[0];

    SyntheticPop3Server(int count, long size) throws IOException {
        this.count = count;
        Template t = Template.of(count, size);
        this.template = t.bytes;
        this.idOffsets = t.idOffsets;
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::accept, "synthetic-pop3-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The message template: the bench header with a zero-padded id, and body lines that never start with a dot. */
    private record Template(byte[] bytes, int[] idOffsets) {

        static final String ID = "0000000";

        static Template of(int count, long size) {
            if (count > 9_999_999) {
                throw new IllegalArgumentException("at most 9,999,999 messages: ids have seven digits");
            }
            String header = "Return-Path: <sender@example.org>\r\n"
                            + "From: Benchmark Sender <sender@example.org>\r\n"
                            + "To: alice@example.org\r\n"
                            + "Subject: pop3lite benchmark message " + ID + " of " + count + "\r\n"
                            + "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                            + "Message-ID: <synthetic-" + ID + "@pop3lite.example>\r\n"
                            + "MIME-Version: 1.0\r\n"
                            + "Content-Type: text/plain; charset=us-ascii\r\n"
                            + "Content-Transfer-Encoding: 7bit\r\n"
                            + "\r\n";
            int first = header.indexOf(ID);
            int second = header.indexOf(ID, first + ID.length());
            byte[] head = header.getBytes(StandardCharsets.US_ASCII);
            if (size < head.length + 2 || size > 1024 * 1024) {
                throw new IllegalArgumentException("synthetic messages have " + (head.length + 2) + " to 1 MiB octets");
            }
            byte[] bytes = Arrays.copyOf(head, (int) size);
            int pos = head.length;
            int line = 0;
            while (pos < size) {
                int len = (int) Math.min(76, size - pos - 2);
                if (size - pos - (len + 2) == 1) {
                    len--; // never leave a single octet, which could not hold a line end
                }
                for (int j = 0; j < len; j++) {
                    bytes[pos + j] = (byte) (j == 0 ? 'A' + line % 26 : 'a' + (line * 7 + j) % 26);
                }
                bytes[pos + len] = '\r';
                bytes[pos + len + 1] = '\n';
                pos += len + 2;
                line++;
            }
            return new Template(bytes, new int[] { first, second });
        }
    }

    /** Message {@code id} (1 to count) as the server sends it, without the terminating line. */
    byte[] message(int id) {
        byte[] m = template.clone();
        for (int offset : idOffsets) {
            int v = id;
            for (int k = Template.ID.length() - 1; k >= 0; k--) {
                m[offset + k] = (byte) ('0' + v % 10);
                v /= 10;
            }
        }
        return m;
    }

    static String uid(int id) {
        return "s" + id;
    }

    @Override
    public String description() {
        return "a synthetic POP3 server in the harness's JVM (SyntheticPop3Server: messages generated on RETR,"
               + " PIPELINING announced)";
    }

    @Override
    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    @Override
    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    /** Fills the maildrop with every generated message again; the files are not used (there are none). */
    @Override
    public void load(MessageFiles unused) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i + 1;
        }
        maildrop = all;
    }

    @Override
    public boolean isEmpty() {
        return maildrop.length == 0;
    }

    @Override
    public long count() {
        return maildrop.length;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread session = new Thread(() -> serve(socket), "synthetic-pop3-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(120_000);
            new Session(new BufferedInputStream(socket.getInputStream(), 64 * 1024),
                    new BufferedOutputStream(socket.getOutputStream(), 64 * 1024)).run();
        } catch (SocketException e) {
            // the client went away
        } catch (IOException e) {
            System.err.println("synthetic POP3 session failed: " + e);
        }
    }

    /** One connection: AUTHORIZATION, then TRANSACTION with the maildrop locked, then UPDATE at QUIT. */
    private final class Session {

        private final InputStream in;
        private final OutputStream out;
        private final byte[] line = new byte[MAX_LINE];
        private String user;
        private int[] drop;
        private final BitSet deleted = new BitSet();

        Session(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        void run() throws IOException {
            try {
                reply("+OK synthetic POP3 server ready");
                out.flush();
                for (String command = readLine(); command != null; command = readLine()) {
                    if (!handle(command)) {
                        break;
                    }
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
                out.flush();
            } finally {
                if (drop != null) {
                    locked.set(false);
                }
            }
        }

        /** Handles one command; false after QUIT. */
        private boolean handle(String command) throws IOException {
            int space = command.indexOf(' ');
            String verb = (space < 0 ? command : command.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
            String arg = space < 0 ? null : command.substring(space + 1).trim();
            switch (verb) {
                case "CAPA" -> reply("+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.");
                case "NOOP" -> reply("+OK");
                case "QUIT" -> {
                    if (drop != null) {
                        commit();
                    }
                    reply("+OK bye");
                    return false;
                }
                case "USER" -> {
                    user = arg;
                    reply("+OK");
                }
                case "PASS" -> pass(arg);
                case "STAT", "LIST", "UIDL", "RETR", "DELE", "RSET" -> {
                    if (drop == null) {
                        reply("-ERR log in first");
                    } else {
                        transaction(verb, arg);
                    }
                }
                default -> reply("-ERR unknown command");
            }
            return true;
        }

        private void pass(String password) throws IOException {
            if (drop != null || !USER.equals(user) || !PASSWORD.equals(password)) {
                reply("-ERR [AUTH] authentication failed");
                return;
            }
            if (!locked.compareAndSet(false, true)) {
                reply("-ERR [IN-USE] the maildrop is locked by another session");
                return;
            }
            drop = maildrop;
            reply("+OK logged in");
        }

        private void transaction(String verb, String arg) throws IOException {
            if (verb.equals("RSET")) {
                deleted.clear();
                reply("+OK");
                return;
            }
            if (verb.equals("STAT")) {
                int n = drop.length - deleted.cardinality();
                reply("+OK " + n + " " + (long) n * template.length);
                return;
            }
            if (arg == null && (verb.equals("LIST") || verb.equals("UIDL"))) {
                reply("+OK");
                StringBuilder s = new StringBuilder(32);
                for (int i = 0; i < drop.length; i++) {
                    if (!deleted.get(i)) {
                        s.setLength(0);
                        s.append(i + 1).append(' ');
                        if (verb.equals("LIST")) {
                            s.append(template.length);
                        } else {
                            s.append(uid(drop[i]));
                        }
                        s.append("\r\n");
                        ascii(s);
                    }
                }
                reply(".");
                return;
            }
            int n = number(arg);
            if (n < 1 || n > drop.length || deleted.get(n - 1)) {
                reply("-ERR no such message");
                return;
            }
            switch (verb) {
                case "LIST" -> reply("+OK " + n + " " + template.length);
                case "UIDL" -> reply("+OK " + n + " " + uid(drop[n - 1]));
                case "DELE" -> {
                    deleted.set(n - 1);
                    reply("+OK deleted");
                }
                default -> {
                    reply("+OK " + template.length + " octets");
                    out.write(message(drop[n - 1]));
                    reply(".");
                }
            }
        }

        /** RFC 1939's UPDATE state: the deletions leave the maildrop, and what remains is numbered from 1. */
        private void commit() {
            int[] kept = new int[drop.length - deleted.cardinality()];
            int k = 0;
            for (int i = 0; i < drop.length; i++) {
                if (!deleted.get(i)) {
                    kept[k++] = drop[i];
                }
            }
            maildrop = kept;
        }

        private int number(String arg) {
            if (arg == null || arg.isEmpty() || arg.length() > 9) {
                return -1;
            }
            int n = 0;
            for (int i = 0; i < arg.length(); i++) {
                char c = arg.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }

        private void reply(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.write('\r');
            out.write('\n');
        }

        private void ascii(CharSequence s) throws IOException {
            for (int i = 0; i < s.length(); i++) {
                out.write(s.charAt(i));
            }
        }

        /** A command line without its line end; null at the end of the stream. Lines are bounded. */
        private String readLine() throws IOException {
            int len = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (b == '\n') {
                    if (len > 0 && line[len - 1] == '\r') {
                        len--;
                    }
                    return new String(line, 0, len, StandardCharsets.US_ASCII);
                }
                if (len == line.length) {
                    throw new IOException("command line longer than " + MAX_LINE + " octets");
                }
                line[len++] = (byte) b;
            }
        }
    }
}
