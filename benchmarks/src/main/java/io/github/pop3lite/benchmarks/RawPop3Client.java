package io.github.pop3lite.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The physical limit: a POP3 client that does nothing but move bytes. It logs in with USER/PASS, asks STAT, then
 * pipelines {@code RETR i} and {@code DELE i} for every message (or, with {@code take}, reads LIST and UIDL to
 * their ends and takes the first {@code take} messages) with up to {@code window} messages in flight,
 * counts the octets of each message (after dot-unstuffing, without the terminating line), and ends with QUIT.
 * Single-threaded, blocking, one 64 KiB receive buffer; nothing is parsed beyond the line structure.
 */
final class RawPop3Client {

    /** What one session moved. */
    record Result(int messages, long octets) {
    }

    private final String host;
    private final int port;
    private final int window;
    /** For implicit TLS; {@code null} for plain TCP. */
    private final SSLSocketFactory tls;
    /** 0 for every message. */
    private final int take;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;

    RawPop3Client(String host, int port, int window) {
        this(host, port, window, null, 0);
    }

    RawPop3Client(String host, int port, int window, SSLSocketFactory tls, int take) {
        this.host = host;
        this.port = port;
        this.window = Math.max(1, window);
        this.tls = tls;
        this.take = take;
    }

    Result drain(String user, String password) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(120_000);
            socket.connect(new InetSocketAddress(host, port), 30_000);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(socket, host, port, true);
                ssl.startHandshake();
                socket = ssl;
            }
            in = socket.getInputStream();
            out = socket.getOutputStream();
            expectOk(statusLine(), "greeting");
            command("USER " + user);
            expectOk(statusLine(), "USER");
            command("PASS " + password);
            expectOk(statusLine(), "PASS");
            command("STAT");
            String stat = expectOk(statusLine(), "STAT");
            int count = Integer.parseInt(stat.split(" ")[1]);
            if (take > 0) {
                // what a consumer that plans its poll must read first: the listing of the whole maildrop
                for (String listing : new String[] { "LIST", "UIDL" }) {
                    command(listing);
                    expectOk(statusLine(), listing);
                    multiLineOctets();
                }
                count = Math.min(count, take);
            }

            long octets = 0;
            int sent = 0;
            StringBuilder commands = new StringBuilder();
            for (int done = 0; done < count; done++) {
                // keep the pipeline full: up to `window` messages whose replies are not read yet, topped up
                // in batches when half of them arrived
                if (sent < count && sent - done <= window / 2) {
                    commands.setLength(0);
                    while (sent < count && sent - done < window) {
                        sent++;
                        commands.append("RETR ").append(sent).append("\r\nDELE ").append(sent).append("\r\n");
                    }
                    out.write(commands.toString().getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                expectOk(statusLine(), "RETR " + (done + 1));
                octets += multiLineOctets();
                expectOk(statusLine(), "DELE " + (done + 1));
            }
            command("QUIT");
            expectOk(statusLine(), "QUIT");
            return new Result(count, octets);
        } finally {
            socket.close();
        }
    }

    private void command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String expectOk(String line, String what) throws IOException {
        if (!line.startsWith("+OK")) {
            throw new IOException("POP3 server refused " + what + ": " + line);
        }
        return line;
    }

    private boolean fill() throws IOException {
        if (pos > 0 && pos == lim) {
            pos = 0;
            lim = 0;
        }
        if (lim == buf.length) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    /** Makes at least {@code k} octets available at {@code pos}, or as many as there are before end of stream. */
    private void ensure(int k) throws IOException {
        while (lim - pos < k) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            if (!fill()) {
                return;
            }
        }
    }

    /** A single-line reply, without its line end. */
    private String statusLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (pos == lim && !fill()) {
                throw new EOFException("connection closed by the POP3 server");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            line.append((char) (b & 0xff));
        }
    }

    /** Reads a multi-line reply's data up to the ".CRLF" line; returns its octets as the message holds them. */
    private long multiLineOctets() throws IOException {
        long octets = 0;
        boolean lineStart = true;
        while (true) {
            if (pos == lim && !fill()) {
                throw new EOFException("connection closed in the middle of a message");
            }
            if (lineStart) {
                if (buf[pos] == '.') {
                    ensure(3);
                    if (lim - pos >= 3 && buf[pos + 1] == '\r' && buf[pos + 2] == '\n') {
                        pos += 3;
                        return octets;
                    }
                    if (lim - pos >= 2 && buf[pos + 1] == '\n') {
                        pos += 2;
                        return octets;
                    }
                    pos++; // a stuffed dot: not part of the message
                    if (pos == lim && !fill()) {
                        throw new EOFException("connection closed in the middle of a message");
                    }
                }
                lineStart = false;
            }
            int i = pos;
            final byte[] b = buf;
            final int end = lim;
            while (i < end && b[i] != '\n') {
                i++;
            }
            if (i < end) {
                octets += i + 1 - pos;
                pos = i + 1;
                lineStart = true;
            } else {
                octets += end - pos;
                pos = end;
            }
        }
    }
}
