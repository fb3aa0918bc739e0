package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import jakarta.activation.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;

/**
 * One attachment's decoded content, spooled through Camel's stream caching (in memory up to the
 * context's spool threshold, in a spool file beyond it when spooling is enabled), readable as often
 * as needed until the mail's Exchange completes, when Camel removes the spool file.
 */
final class SpooledAttachment implements DataSource {

    private final String name;
    private final String contentType;
    private final StreamCache cache;
    private final Exchange exchange;

    private SpooledAttachment(String name, String contentType, StreamCache cache, Exchange exchange) {
        this.name = name;
        this.contentType = contentType;
        this.cache = cache;
        this.exchange = exchange;
    }

    /** Copies {@code content} into a stream cache of {@code exchange}, a buffer at a time. */
    static SpooledAttachment spool(String name, String contentType, InputStream content, Exchange exchange)
            throws IOException {
        CachedOutputStream out = new CachedOutputStream(exchange);
        content.transferTo(out);
        return new SpooledAttachment(name, contentType, out.newStreamCache(), exchange);
    }

    /** A stream of its own over the content, as an Exchange body: re-readable, and no copy of the octets. */
    StreamCache newStreamCache() throws IOException {
        return cache.copy(exchange);
    }

    long length() {
        return cache.length();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return exchange.getContext().getTypeConverter().convertTo(InputStream.class, exchange, newStreamCache());
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        throw new IOException("the attachment " + name + " of a received mail is read-only");
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public String getName() {
        return name;
    }
}
