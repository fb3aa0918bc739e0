package io.github.pop3lite.benchmarks;

import java.io.IOException;
import java.io.InputStream;

import io.github.pop3lite.client.MessageSizeList;
import io.github.pop3lite.client.MessageUidList;
import io.github.pop3lite.client.PipelinedReply;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;

/**
 * The pop3lite engine without Camel, as a consumer would use it: LIST and UIDL of the whole maildrop (the engine's
 * compact listings), then RETR and DELE of the first messages pipelined as the consumer does (256 RETRs on their way
 * at most), and QUIT. For workload h, it shows what the engine's listing costs apart from the consumer's plan.
 */
final class EngineDrain {

    private static final int WINDOW = 256;

    private EngineDrain() {
    }

    /** @param take the first messages to download and delete; 0 for all */
    static RawPop3Client.Result drain(String host, int port, String user, String password, int take) throws IOException {
        try (Pop3Client client = Pop3Client.connect(Pop3ClientOptions.builder(host).port(port).build())) {
            client.login(user, password);
            MessageSizeList sizes = client.list();
            MessageUidList uids = client.uidl();
            int count = take > 0 ? Math.min(take, sizes.size()) : sizes.size();
            int window = client.mayPipeline() ? WINDOW : 1;
            byte[] buffer = new byte[64 * 1024];
            long octets = 0;
            int sent = 0;
            int retrieved = 0;
            while (retrieved < count) {
                while (sent < count && sent - retrieved < window) {
                    client.sendRetr(sizes.number(sent), sizes.size(sent));
                    sent++;
                }
                PipelinedReply reply = client.readReply();
                if (!reply.ok()) {
                    throw new IOException("POP3 server refused " + reply.command() + ": " + reply.reply().line());
                }
                if (reply.isRetr()) {
                    InputStream data = reply.data();
                    for (int n = data.read(buffer); n >= 0; n = data.read(buffer)) {
                        octets += n;
                    }
                    client.sendDele(reply.number());
                    retrieved++;
                }
            }
            while (client.pendingReplies() > 0) {
                PipelinedReply reply = client.readReply();
                if (!reply.ok()) {
                    throw new IOException("POP3 server refused " + reply.command() + ": " + reply.reply().line());
                }
            }
            if (!client.quit()) {
                throw new IOException("POP3 server refused QUIT: the deletions were not committed");
            }
            // the listings stay in use to the end, as a consumer's plan keeps them through its poll
            if (uids.size() != sizes.size()) {
                throw new IOException("UIDL listed " + uids.size() + " messages, LIST " + sizes.size());
            }
            return new RawPop3Client.Result(count, octets);
        }
    }
}
