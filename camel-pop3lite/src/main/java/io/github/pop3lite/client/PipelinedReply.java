package io.github.pop3lite.client;

import java.io.InputStream;

/**
 * The reply to a command sent ahead with {@link Pop3Client#sendRetr} or {@link Pop3Client#sendDele}.
 *
 * @param command the command it answers, for example {@code "RETR 3"}
 * @param number  the message number the command named
 * @param reply   the status line
 * @param data    for a RETR answered {@code +OK}: the message, to be read (or closed) before the
 *                next reply; {@code null} otherwise
 */
public record PipelinedReply(String command, int number, Pop3Reply reply, InputStream data) {

    public boolean ok() {
        return reply.ok();
    }

    public boolean isRetr() {
        return command.startsWith("RETR ");
    }
}
