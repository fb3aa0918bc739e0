package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.BodyDescriptorBuilder;
import org.apache.james.mime4j.stream.DefaultFieldBuilder;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.MimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a message's top-level header fields with mime4j's token stream and decodes RFC 2047
 * encoded-words. Only the raw fields are read: building mime4j's message model parsed every field
 * (addresses, dates, content types) that the route never asked for, and cost half of the poll
 * thread's time on a maildrop of small messages.
 *
 * <p>Every header field is chosen by whoever sent the mail, so what is read and what is mapped is
 * bounded: at most {@link #MAX_BLOCK_OCTETS} of the header block are read, a field of more than
 * {@link #MAX_FIELD_OCTETS} is skipped, and at most {@link #MAX_MAPPED_FIELDS} fields of together
 * {@link #MAX_MAPPED_OCTETS} are mapped. What is skipped is logged in one DEBUG line per message;
 * the message itself is always delivered.
 */
final class MailHeaders {

    private static final Logger LOG = LoggerFactory.getLogger(MailHeaders.class);

    /** Longest field mapped, name and folded lines included: long References fields run to a few KiB. */
    static final int MAX_FIELD_OCTETS = 64 * 1024;
    /** Most octets of the header block read; fields after them are not mapped. */
    static final long MAX_BLOCK_OCTETS = 1024 * 1024;
    /** Most fields mapped: a message with a long trace of Received fields has a few dozen. */
    static final int MAX_MAPPED_FIELDS = 1000;
    /** Most octets of decoded values mapped, all fields together. */
    static final long MAX_MAPPED_OCTETS = 256 * 1024;

    /** The line and block bounds are applied before mime4j sees the bytes, so its own limits are off. */
    private static final MimeConfig LIMITS = new MimeConfig.Builder()
            .setMaxHeaderCount(-1)
            .setMaxHeaderLen(-1)
            .setMaxLineLen(-1)
            .build();

    /** The header names the component sets itself: a mail header field never replaces or joins them. */
    private static final String OWN_PREFIX = "CamelPop3Lite";

    private MailHeaders() {
    }

    /**
     * Puts the header fields into {@code headers} by name: a String, or a List of Strings for a
     * field that occurs more than once (Received). {@code headers} must compare names without
     * regard to case, as mail and Camel do. A field that {@code filter} rejects is not mapped, nor
     * is one named like the component's own {@code CamelPop3Lite...} headers, whatever the filter.
     *
     * @param exchange handed to the filter; may be {@code null}
     */
    static void read(InputStream message, Map<String, Object> headers, HeaderFilterStrategy filter, Exchange exchange)
            throws IOException {
        HeaderBlockInputStream block = new HeaderBlockInputStream(message, MAX_FIELD_OCTETS, MAX_BLOCK_OCTETS);
        List<Field> fields = new ArrayList<>();
        // the field builder's 4 KiB buffer comes from mime4j's per-thread recycler, but only release() gives it back
        // (the parser never does): it was a fifth of a small message's allocations. Each field is a copy of its own
        DefaultFieldBuilder fieldBuilder = new DefaultFieldBuilder(LIMITS.getMaxHeaderLen());
        MimeTokenStream stream = new MimeTokenStream(LIMITS, DecodeMonitor.SILENT, fieldBuilder, new RawFieldsOnly());
        stream.parse(block);
        try {
            // the stream ends after the header block, so driving the parser to its end reads no body, and the
            // parser hands its buffers back for the next message: left behind, they were most of a small message's garbage
            for (EntityState state = stream.next(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
                if (state == EntityState.T_FIELD) {
                    fields.add(stream.getField());
                }
            }
        } catch (MimeException e) {
            LOG.debug("The header of a message could not be parsed, so none of its fields is mapped: {}", e.getMessage());
            return;
        } finally {
            fieldBuilder.release();
        }
        if (block.blockCut() && !fields.isEmpty()) {
            // the field the bound cut through is incomplete
            fields.remove(fields.size() - 1);
        }
        Dropped dropped = new Dropped(block.blockCut());
        int mapped = 0;
        long octets = 0;
        for (Field field : fields) {
            String name = field.getName();
            if (name.regionMatches(true, 0, OWN_PREFIX, 0, OWN_PREFIX.length())) {
                dropped.filtered++;
                continue;
            }
            if (field.getRaw() != null && field.getRaw().length() > MAX_FIELD_OCTETS) {
                dropped.oversized.add(name);
                continue;
            }
            String value = value(field.getBody());
            if (filter.applyFilterToExternalHeaders(name, value, exchange)) {
                dropped.filtered++;
                continue;
            }
            if (mapped == MAX_MAPPED_FIELDS || octets + value.length() > MAX_MAPPED_OCTETS) {
                dropped.overLimit++;
                continue;
            }
            mapped++;
            octets += value.length();
            headers.merge(name, value, MailHeaders::append);
        }
        dropped.log();
    }

    /**
     * Reads an empty header block: it loads and initialises the parser's classes, which the first message of a
     * JVM would otherwise wait for.
     */
    static void prepare(HeaderFilterStrategy filter) throws IOException {
        read(InputStream.nullInputStream(), new HashMap<>(), filter, null);
    }

    /** What one message's header mapping left out, for its one DEBUG line. */
    private static final class Dropped {
        private final boolean blockCut;
        private final List<String> oversized = new ArrayList<>();
        private int filtered;
        private int overLimit;

        Dropped(boolean blockCut) {
            this.blockCut = blockCut;
        }

        void log() {
            if (LOG.isDebugEnabled() && (blockCut || !oversized.isEmpty() || filtered > 0 || overLimit > 0)) {
                LOG.debug("Mail header fields not mapped: {} by the headerFilterStrategy, {} over the bounds of {} fields"
                          + " or {} octets in all, oversized (over {} octets): {}{}", filtered, overLimit,
                        MAX_MAPPED_FIELDS, MAX_MAPPED_OCTETS, MAX_FIELD_OCTETS, printable(oversized),
                        blockCut ? "; the header block is longer than " + MAX_BLOCK_OCTETS + " octets and was read"
                                   + " no further" : "");
            }
        }

        /** Names as the sender wrote them, at most a few and each shortened, with control characters replaced. */
        private static String printable(List<String> names) {
            StringBuilder text = new StringBuilder("[");
            for (int i = 0; i < Math.min(names.size(), 5); i++) {
                String name = names.get(i);
                name = name.length() > 40 ? name.substring(0, 40) + "..." : name;
                text.append(i > 0 ? ", " : "").append(name.replaceAll("\\p{Cntrl}", "?"));
            }
            return text.append(names.size() > 5 ? ", ... (" + names.size() + ")]" : "]").toString();
        }
    }

    private static String value(String body) {
        String value = MimeUtil.unfold(body).trim();
        // most fields hold no encoded-word, and the decoder allocates its buffers before it looks
        return value.contains("=?") ? DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT) : value;
    }

    @SuppressWarnings("unchecked")
    private static Object append(Object existing, Object value) {
        List<Object> values;
        if (existing instanceof List) {
            values = (List<Object>) existing;
        } else {
            values = new ArrayList<>();
            values.add(existing);
        }
        values.add(value);
        return values;
    }

    /**
     * Hands the fields over unparsed. The body, which is never read, is described as plain text, so
     * that the parser ends the message without looking for parts.
     */
    private static final class RawFieldsOnly implements BodyDescriptorBuilder, BodyDescriptor {

        @Override
        public void reset() {
        }

        @Override
        public Field addField(RawField field) {
            return field;
        }

        @Override
        public BodyDescriptor build() {
            return this;
        }

        @Override
        public BodyDescriptorBuilder newChild() {
            return this;
        }

        @Override
        public String getBoundary() {
            return null;
        }

        @Override
        public String getMimeType() {
            return "text/plain";
        }

        @Override
        public String getMediaType() {
            return "text";
        }

        @Override
        public String getSubType() {
            return "plain";
        }

        @Override
        public String getCharset() {
            return "us-ascii";
        }

        @Override
        public String getTransferEncoding() {
            return "7bit";
        }

        @Override
        public long getContentLength() {
            return -1;
        }
    }
}
