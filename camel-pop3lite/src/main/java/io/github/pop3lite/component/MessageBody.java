package io.github.pop3lite.component;

import java.io.IOException;
import java.util.Arrays;

import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.spi.StreamCachingStrategy;

/**
 * One message's octets on their way into a stream cache of the context's {@link StreamCachingStrategy}. As long as
 * they fit into a staging array that the poll reuses from message to message, they are kept there; at the end, a
 * message that the strategy keeps in memory becomes an {@link InputStreamCache} of an array of its own length.
 * Anything larger, and anything the strategy spools, goes through a {@link CachedOutputStream} as before.
 *
 * <p>Why: a CachedOutputStream starts with an array of the strategy's buffer size (16 KiB by default) for every
 * message, and registers a completion of its own on the Exchange; for a maildrop of small messages that array was
 * the largest allocation per message, and a batch of 256 messages held 4 MiB of mostly empty arrays. The strategy
 * decides as it would in a CachedOutputStream: {@link StreamCachingStrategy#shouldSpoolCache(long)}, asked with the
 * whole length once rather than with the length so far on every write.
 */
final class MessageBody {

    private final Exchange exchange;
    private final byte[] staging;
    private int staged;
    /** Once the octets outgrow the staging array. */
    private CachedOutputStream cache;

    /** @param staging reused: its content is this message's until {@link #newStreamCache()} */
    MessageBody(Exchange exchange, byte[] staging) {
        this.exchange = exchange;
        this.staging = staging;
    }

    void write(byte[] octets, int offset, int length) throws IOException {
        if (cache == null && staged + length <= staging.length) {
            System.arraycopy(octets, offset, staging, staged, length);
            staged += length;
            return;
        }
        if (cache == null) {
            cache = new CachedOutputStream(exchange);
            cache.write(staging, 0, staged);
        }
        cache.write(octets, offset, length);
    }

    /** The body: re-readable, in memory or in a spool file as the strategy decides. */
    StreamCache newStreamCache() throws IOException {
        if (cache == null) {
            if (!exchange.getContext().getStreamCachingStrategy().shouldSpoolCache(staged)) {
                return new InputStreamCache(Arrays.copyOf(staging, staged));
            }
            cache = new CachedOutputStream(exchange);
            cache.write(staging, 0, staged);
        }
        return cache.newStreamCache();
    }
}
