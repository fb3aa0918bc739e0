package io.github.pop3lite.client;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place where commands leave and replies arrive. Commands are written to a buffer and
 * remembered in order; a reply is always matched to the oldest command still waiting for one. So
 * a caller may send several commands before reading their replies (RFC 2449 PIPELINING) without
 * anything else changing.
 *
 * <p>The protocol trace goes to this class's logger at DEBUG, with secrets masked.
 */
final class Pop3Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3Channel.class);

    /** RFC 2449: a command line, CRLF included, is at most 255 octets. */
    static final int MAX_COMMAND_LENGTH = 255;

    /**
     * Most octets of one SASL response line: an OAuth 2 token of Microsoft's is about 2 KB, four
     * thirds of that in base64, and RFC 5034 puts no line limit on responses.
     */
    static final int MAX_SASL_RESPONSE = 64 * 1024;

    private final Pop3Input input;
    private OutputStream out;
    private final ArrayDeque<String> awaitingReply = new ArrayDeque<>();
    private boolean unflushed;

    Pop3Channel(Pop3Input input, OutputStream out) {
        this.input = input;
        this.out = new BufferedOutputStream(out, 4096);
    }

    /** Queues a command whose arguments may all appear in the trace. */
    void send(String verb, String... args) throws IOException {
        send(verb, -1, args);
    }

    /**
     * Queues a command; it goes out at the next {@link #flush()} or {@link #reply()}.
     *
     * @param secretIndex index of the argument to mask in the trace, or -1
     * @throws IllegalArgumentException when an argument could inject a command or the line is too long
     */
    void send(String verb, int secretIndex, String... args) throws IOException {
        StringBuilder line = new StringBuilder(verb);
        StringBuilder trace = LOG.isDebugEnabled() ? new StringBuilder(verb) : null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            for (int c = 0; c < arg.length(); c++) {
                char ch = arg.charAt(c);
                if (ch == '\r' || ch == '\n' || ch == '\0') {
                    throw new IllegalArgumentException("Refusing to send the POP3 command " + verb
                            + ": an argument contains a CR, LF or NUL character, which would let it inject another"
                            + " command. Remove that character from the user name, password or message id.");
                }
            }
            line.append(' ').append(arg);
            if (trace != null) {
                trace.append(' ').append(i == secretIndex ? "****" : arg);
            }
        }
        byte[] bytes = line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_COMMAND_LENGTH) {
            throw new IllegalArgumentException("Refusing to send the POP3 command " + verb + ": it would be "
                    + bytes.length + " octets long, over the " + MAX_COMMAND_LENGTH
                    + " that RFC 2449 allows. Use a shorter user name or password.");
        }
        if (trace != null) {
            LOG.debug("C: {}", trace);
        }
        out.write(bytes);
        // the command as the replies are matched to it; a command with a secret is known by its verb alone
        awaitingReply.add(secretIndex < 0 && args.length > 0 ? verb + " " + String.join(" ", args) : verb);
        unflushed = true;
    }

    void flush() throws IOException {
        if (unflushed) {
            try {
                out.flush();
            } catch (IOException e) {
                throw input.broken(e);
            }
            unflushed = false;
        }
    }

    /** How many commands were sent and still wait for their reply. */
    int awaitingReply() {
        return awaitingReply.size();
    }

    /** The oldest command still waiting for its reply, for example {@code "RETR 3"}; {@code null} if none. */
    String oldestAwaiting() {
        return awaitingReply.peek();
    }

    /** Reads the status line answering the oldest command that has none yet (or the greeting). */
    Pop3Reply reply() throws IOException {
        flush();
        return status(input.readLine());
    }

    private Pop3Reply status(byte[] line) throws IOException {
        Pop3Reply reply;
        try {
            reply = Pop3Reply.parse(line);
        } catch (Pop3ProtocolException e) {
            throw input.broken(e);
        }
        awaitingReply.poll();
        if (LOG.isDebugEnabled()) {
            LOG.debug("S: {}", reply.line());
        }
        return reply;
    }

    /**
     * A reply during AUTH (RFC 5034): a server challenge, or the status line that ends the exchange.
     *
     * @param challenge the base64 text after {@code "+ "} (possibly empty), or {@code null}
     * @param status    the final {@code +OK} or {@code -ERR}, or {@code null}
     */
    record AuthReply(String challenge, Pop3Reply status) {
    }

    /** Reads the answer to AUTH or to a SASL response. */
    AuthReply authReply() throws IOException {
        flush();
        byte[] line = input.readLine();
        if (line.length > 0 && line[0] == '+' && (line.length == 1 || line[1] == ' ')) {
            awaitingReply.poll();
            String challenge = new String(line, StandardCharsets.ISO_8859_1).substring(1).trim();
            if (LOG.isDebugEnabled()) {
                LOG.debug("S: + {}", Pop3Reply.printable(challenge));
            }
            return new AuthReply(challenge, null);
        }
        return new AuthReply(null, status(line));
    }

    /**
     * Queues one SASL response line (base64, {@code *} to cancel); it carries secrets, so the
     * trace shows only {@code ****}.
     */
    void sendAuthResponse(String base64) throws IOException {
        if (base64.length() + 2 > MAX_SASL_RESPONSE) {
            throw new IllegalArgumentException("Refusing to send a SASL response of " + base64.length()
                    + " octets, over the " + MAX_SASL_RESPONSE + " that pop3lite allows");
        }
        for (int c = 0; c < base64.length(); c++) {
            char ch = base64.charAt(c);
            if (ch == '\r' || ch == '\n' || ch == '\0') {
                throw new IllegalArgumentException("Refusing to send a SASL response with a CR, LF or NUL character");
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("C: {}", base64.equals("*") ? "*" : "****");
        }
        out.write((base64 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        awaitingReply.add("AUTH");
        unflushed = true;
    }

    /**
     * Whether the next reply's line is here, or arrives before the deadline. A deadline that passes leaves
     * the session as it was: the reply may still be read with {@link #reply()}.
     */
    boolean replyArrivesBy(long deadlineNanos) throws IOException {
        flush();
        return input.awaitLine(deadlineNanos);
    }

    /**
     * Reads one line of a multi-line listing (CAPA, LIST, UIDL), with the stuffed dot removed, within
     * the listing's budget (the caller counts the octets received).
     *
     * @return the line, or {@code null} at the terminating {@code "."}
     */
    String listingLine(DataBudget budget) throws IOException {
        byte[] line;
        if (input.timed()) {
            long started = System.nanoTime();
            try {
                line = input.readLine(budget.nextDeadline(), budget::message);
            } catch (SocketTimeoutException e) {
                throw input.broken(e);
            } finally {
                budget.waited(System.nanoTime() - started);
            }
        } else {
            line = input.readLine();
        }
        if (line.length == 1 && line[0] == '.') {
            return null;
        }
        int start = line.length > 0 && line[0] == '.' ? 1 : 0;
        String text = new String(line, start, line.length - start, StandardCharsets.ISO_8859_1);
        if (LOG.isTraceEnabled()) {
            LOG.trace("S: {}", Pop3Reply.printable(text));
        }
        return text;
    }

    /** The data of a multi-line reply whose status line was just read. */
    DotTerminatedInputStream data() {
        return new DotTerminatedInputStream(input);
    }

    /** As {@link #data()}, cut with a {@link Pop3MessageTooLargeException} past {@code limit} octets. */
    DotTerminatedInputStream data(long announced, long limit) {
        return new DotTerminatedInputStream(input, announced, limit);
    }

    /** A budget for one listing; see {@link #listingLine(DataBudget)}. */
    DataBudget listingBudget(String what) {
        return input.newBudget(what);
    }

    /**
     * Moves to a new transport after STLS.
     *
     * @return how many octets the old transport had sent beyond the STLS reply, now thrown away
     */
    int switchTo(InputStream newIn, OutputStream newOut, Socket socket) {
        out = new BufferedOutputStream(newOut, 4096);
        unflushed = false;
        return input.switchTo(newIn, socket);
    }
}
