package io.github.pop3lite.client;

import java.io.IOException;
import java.time.Duration;

/**
 * The probe of {@link Pipelining#AUTO}: two NOOPs in one write, after login. A server that answers
 * both, the second within a short bound of the first, handles commands sent together; one that
 * throws the second away, drops the connection, or takes long leaves doubt, and doubt means one
 * command at a time. Both replies are always read (the second within readTimeout at the most), so
 * that no late answer is ever taken as the reply to a later command.
 */
final class PipeliningProbe {

    private PipeliningProbe() {
    }

    /**
     * @return whether both NOOPs were answered +OK, the second within {@code bound} of the first
     * @throws IOException when a reply does not come within readTimeout or the connection fails: the
     *                     session is then closed
     */
    static boolean run(Pop3Channel channel, Duration bound) throws IOException {
        channel.send("NOOP");
        channel.send("NOOP");
        Pop3Reply first = channel.reply();
        boolean prompt = channel.replyArrivesBy(System.nanoTime() + bound.toNanos());
        Pop3Reply second = channel.reply();
        return prompt && first.ok() && second.ok();
    }
}
