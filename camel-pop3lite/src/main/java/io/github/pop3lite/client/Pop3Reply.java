package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;

/**
 * One status line from the server: {@code +OK} or {@code -ERR}, an optional response code in
 * brackets, and the text.
 *
 * @param ok   whether the server answered {@code +OK}
 * @param code the response code we know, or {@code null}
 * @param text what follows the status indicator (and the code), without leading space
 * @param line the whole line as received, without its line ending, for error messages
 */
public record Pop3Reply(boolean ok, ResponseCode code, String text, String line) {

    /**
     * Parses a status line. ISO-8859-1 keeps every byte the server sent as one character, so
     * nothing is lost before the caller looks at the text.
     *
     * @throws Pop3ProtocolException when the line starts with neither {@code +OK} nor {@code -ERR}
     */
    public static Pop3Reply parse(byte[] bytes) throws Pop3ProtocolException {
        String line = new String(bytes, StandardCharsets.ISO_8859_1);
        boolean ok;
        String rest;
        if (line.startsWith("+OK")) {
            ok = true;
            rest = line.substring(3);
        } else if (line.startsWith("-ERR")) {
            ok = false;
            rest = line.substring(4);
        } else {
            throw new Pop3ProtocolException("POP3 server sent a reply that is neither +OK nor -ERR: '"
                    + printable(line) + "'");
        }
        if (!rest.isEmpty() && rest.charAt(0) != ' ') {
            throw new Pop3ProtocolException("POP3 server sent a malformed status line: '" + printable(line) + "'");
        }
        String text = rest.stripLeading();
        ResponseCode code = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close > 0) {
                code = ResponseCode.fromToken(text.substring(1, close));
                text = text.substring(close + 1).stripLeading();
            }
        }
        return new Pop3Reply(ok, code, text, printable(line));
    }

    /**
     * Replaces control characters so that a hostile reply cannot forge log lines. The C1 controls
     * (0x80 to 0x9F) count too: a line is read as ISO-8859-1, so an octet 0x85 becomes NEL, which
     * log viewers may take for a line break, and 0x9B becomes CSI, a terminal escape.
     */
    static String printable(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('?');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
