package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.BodyDescriptorBuilder;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * Reads a message's top-level header fields with mime4j's token stream and decodes RFC 2047
 * encoded-words. Only the raw fields are read: building mime4j's message model parsed every field
 * (addresses, dates, content types) that the route never asked for, and cost half of the poll
 * thread's time on a maildrop of small messages.
 */
final class MailHeaders {

    /** Bounds that keep a hostile message from making the header parse expensive. */
    private static final MimeConfig LIMITS = new MimeConfig.Builder()
            .setMaxHeaderCount(1000)
            .setMaxHeaderLen(64 * 1024)
            .setMaxLineLen(-1)
            .build();

    private MailHeaders() {
    }

    /**
     * Puts the header fields into {@code headers} by name: a String, or a List of Strings for a
     * field that occurs more than once (Received). {@code headers} must compare names without
     * regard to case, as mail and Camel do. Fields named like Camel's own headers are dropped, so
     * that a sender cannot steer the route by writing a {@code CamelXxx:} field into its mail. A
     * header that breaks the bounds maps nothing.
     */
    static void read(InputStream message, Map<String, Object> headers) throws IOException {
        List<Field> fields = new ArrayList<>();
        MimeTokenStream stream = new MimeTokenStream(LIMITS, DecodeMonitor.SILENT, new RawFieldsOnly());
        stream.parse(message);
        try {
            EntityState state = stream.next();
            for (; state == EntityState.T_FIELD || state == EntityState.T_START_HEADER; state = stream.next()) {
                if (state == EntityState.T_FIELD) {
                    fields.add(stream.getField());
                }
            }
            // stopped here, the parser reads no body, but still ends the message, and only then hands its
            // buffers back for the next message: left behind, they were most of the garbage of a small message
            stream.stop();
            while (state != EntityState.T_END_OF_STREAM) {
                state = stream.next();
            }
        } catch (MimeException e) {
            return;
        }
        for (Field field : fields) {
            String name = field.getName();
            if (name.regionMatches(true, 0, "Camel", 0, 5) || name.regionMatches(true, 0, "org.apache.camel", 0, 16)) {
                continue;
            }
            headers.merge(name, value(field.getBody()), MailHeaders::append);
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
