package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.MimeParameterMapping;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * Walks a message's MIME structure in one pass with mime4j's token stream and hands out its leaf
 * parts one at a time, each with its decoded content as a stream that is valid until the next
 * call. A {@code message/rfc822} part is one leaf (a forwarded mail, as a mail client shows it),
 * not a tree to descend into. Multiparts nest at most {@value #MAX_DEPTH} deep, so that a hostile
 * message cannot make the parser hold a buffer per level without end.
 */
final class MimeParts {

    static final int MAX_DEPTH = 50;

    /** As for the top-level header: no hostile part header can make the parse expensive. */
    private static final MimeConfig LIMITS = new MimeConfig.Builder()
            .setMaxHeaderCount(1000)
            .setMaxHeaderLen(64 * 1024)
            .setMaxLineLen(-1)
            .setMaxContentLen(-1)
            .build();

    /**
     * One leaf part; {@link #content()} is readable until the walk moves on. {@code headers} are its header
     * fields, unfolded and decoded, by name without regard to case; {@code alternative} tells the
     * multipart/alternative it belongs to (0: none).
     */
    record Part(int number, String mimeType, String charset, Map<String, String> headers, String disposition,
                String fileName, String contentId, int alternative, InputStream content) {

        String header(String name) {
            return headers.get(name);
        }

        boolean isBodyText() {
            return ("text/plain".equals(mimeType) || "text/html".equals(mimeType)) && fileName == null
                   && !"attachment".equals(disposition);
        }

        /**
         * As a mail client shows it: parts marked as attachments or carrying a file name, and every part that is not
         * a text to read (images, documents, forwarded mails, calendar invitations, ...), inline ones included.
         */
        boolean isAttachment() {
            return !isBodyText();
        }
    }

    private record Multipart(String subType, int id) {
    }

    private final MimeTokenStream stream = new MimeTokenStream(LIMITS);
    private final Deque<Multipart> multiparts = new ArrayDeque<>();
    private final List<Field> fields = new ArrayList<>();
    private int multipartIds;
    private int parts;

    MimeParts(InputStream message) {
        stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
        stream.parse(message);
    }

    /** The next leaf part, or {@code null} at the end of the message. */
    Part next() throws IOException, MimeException {
        for (EntityState state = stream.next(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
            switch (state) {
                case T_START_HEADER -> fields.clear();
                case T_FIELD -> fields.add(stream.getField());
                case T_START_MULTIPART -> {
                    if (multiparts.size() >= MAX_DEPTH) {
                        throw new MimeException("multiparts nested more than " + MAX_DEPTH + " levels deep");
                    }
                    multiparts.push(new Multipart(stream.getBodyDescriptor().getSubType(), ++multipartIds));
                }
                case T_END_MULTIPART -> multiparts.pop();
                case T_BODY -> {
                    return part(stream.getBodyDescriptor());
                }
                default -> {
                    // preamble, epilogue and the entity boundaries carry nothing a route reads
                }
            }
        }
        return null;
    }

    private Part part(BodyDescriptor descriptor) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Field field : fields) {
            headers.putIfAbsent(field.getName(), value(field.getBody()));
        }
        Map<String, String> dispositionParams = Map.of();
        String disposition = null;
        String contentDisposition = rawHeader("Content-Disposition");
        if (contentDisposition != null) {
            RawBody parsed = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Disposition", contentDisposition));
            disposition = parsed.getValue() == null ? null : parsed.getValue().trim().toLowerCase(Locale.ROOT);
            dispositionParams = parameters(parsed);
        }
        Map<String, String> typeParams = Map.of();
        String contentType = rawHeader("Content-Type");
        if (contentType != null) {
            typeParams = parameters(RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Type", contentType)));
        }
        String fileName = text(dispositionParams.get("filename"));
        if (fileName == null) {
            fileName = text(typeParams.get("name"));
        }
        String contentId = headers.get("content-id");
        int alternative = 0;
        for (Multipart multipart : multiparts) {
            if ("alternative".equalsIgnoreCase(multipart.subType())) {
                alternative = multipart.id();
                break;
            }
        }
        return new Part(++parts, descriptor.getMimeType().toLowerCase(Locale.ROOT), descriptor.getCharset(), headers,
                disposition, fileName, contentId, alternative, stream.getDecodedInputStream());
    }

    private String rawHeader(String name) {
        for (Field field : fields) {
            if (field.getName().equalsIgnoreCase(name)) {
                return field.getBody();
            }
        }
        return null;
    }

    /** Parameters with RFC 2231 extended values and continuations joined and decoded, by lower-case name. */
    private static Map<String, String> parameters(RawBody body) {
        MimeParameterMapping mapping = new MimeParameterMapping();
        for (NameValuePair pair : body.getParams()) {
            if (pair.getValue() != null) {
                mapping.addParameter(pair.getName(), pair.getValue());
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        mapping.getParameters().forEach((name, value) -> parameters.put(name.toLowerCase(Locale.ROOT), value));
        return parameters;
    }

    /** A parameter value as a person reads it: RFC 2047 encoded-words decoded (mailers put them in names). */
    private static String text(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.contains("=?") ? DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT) : value;
    }

    private static String value(String body) {
        String value = MimeUtil.unfold(body).trim();
        return value.contains("=?") ? DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT) : value;
    }
}
