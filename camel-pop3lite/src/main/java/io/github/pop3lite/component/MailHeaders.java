package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.MimeUtil;

/** Reads a message's top-level header fields with mime4j and decodes RFC 2047 encoded-words. */
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
     * The header fields by name: a String, or a List of Strings for a field that
     * occurs more than once (Received). Fields named like Camel's own headers are dropped, so that a
     * sender cannot steer the route by writing a {@code CamelXxx:} field into its mail.
     */
    static Map<String, Object> read(InputStream message) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(LIMITS);
        builder.setDecodeMonitor(DecodeMonitor.SILENT);
        Header header;
        try {
            header = builder.parseHeader(message);
        } catch (IOException e) {
            if (e.getCause() instanceof MimeException) {
                return Map.of();
            }
            throw e;
        }
        // header names are case-insensitive in mail as in Camel
        Map<String, Object> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Field field : header.getFields()) {
            String name = field.getName();
            if (name.regionMatches(true, 0, "Camel", 0, 5) || name.regionMatches(true, 0, "org.apache.camel", 0, 16)) {
                continue;
            }
            String value = DecoderUtil.decodeEncodedWords(MimeUtil.unfold(field.getBody()).trim(), DecodeMonitor.SILENT);
            fields.merge(name, value, MailHeaders::append);
        }
        return fields;
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
}
