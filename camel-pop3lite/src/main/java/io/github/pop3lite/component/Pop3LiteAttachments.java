package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

import jakarta.activation.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.StreamCache;
import org.apache.camel.attachment.Attachment;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.james.mime4j.MimeException;

/**
 * One Exchange per attachment of a mail, for the Splitter:
 * {@code split(Pop3LiteAttachments.split())} in Java, or in YAML
 * {@code split: { method: { beanType: io.github.pop3lite.component.Pop3LiteAttachments, method: attachments } }}.
 *
 * <p>Each part's message carries the mail's headers, the attachment's content as a re-readable stream body (no
 * copy of its octets), and the headers {@link Pop3LiteConstants#ATTACHMENT_NAME},
 * {@link Pop3LiteConstants#ATTACHMENT_CONTENT_TYPE}, {@link Pop3LiteConstants#ATTACHMENT_CONTENT_ID} and
 * {@link Pop3LiteConstants#ATTACHMENT_DISPOSITION}. On a mail consumed with {@code attachments=true} it iterates the
 * AttachmentMessage's attachments; on a raw mail it parses the message as the Splitter asks for the next part, so
 * that one attachment at a time is spooled. A mail whose content could not be mapped
 * ({@link Pop3LiteConstants#MAPPING_FAILURE}) gives no part. The bodies are readable until the mail's Exchange
 * completes.
 */
public final class Pop3LiteAttachments {

    private Pop3LiteAttachments() {
    }

    /** The expression for {@code split(...)}: evaluates to {@link #attachments(Exchange)}. */
    public static Expression split() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return attachments(exchange);
            }

            @Override
            public String toString() {
                return "Pop3LiteAttachments.split()";
            }
        };
    }

    /** The attachments of the mail in {@code exchange}, one message each, made as they are asked for. */
    public static Iterator<Message> attachments(Exchange exchange) {
        Message mail = exchange.getIn();
        if (mail.getHeader(Pop3LiteConstants.MAPPING_FAILURE) != null) {
            return Collections.emptyIterator();
        }
        if (mail instanceof AttachmentMessage message) {
            List<Message> parts = new ArrayList<>();
            for (Map.Entry<String, Attachment> entry : message.getAttachmentObjects().entrySet()) {
                parts.add(part(exchange, mail, entry.getKey(), entry.getValue()));
            }
            return parts.iterator();
        }
        StreamCache raw = exchange.getProperty(Pop3LiteConstants.RAW_MESSAGE, StreamCache.class);
        if (raw == null) {
            raw = mail.getBody(StreamCache.class);
        }
        if (raw == null) {
            throw new IllegalArgumentException("Pop3LiteAttachments.split() splits a mail from a pop3lite consumer; this"
                                               + " Exchange's body (" + (mail.getBody() == null ? "null"
                                                       : mail.getBody().getClass().getName())
                                               + ") is not one, nor is the property " + Pop3LiteConstants.RAW_MESSAGE
                                               + " set");
        }
        return new Parsed(exchange, mail, raw);
    }

    private static Message part(Exchange exchange, Message mail, String name, Attachment attachment) {
        Message part = new DefaultMessage(exchange.getContext());
        part.getHeaders().putAll(mail.getHeaders());
        DataSource source = attachment.getDataHandler().getDataSource();
        try {
            part.setBody(source instanceof SpooledAttachment spooled ? spooled.newStreamCache() : source.getInputStream());
        } catch (IOException e) {
            throw new RuntimeCamelException("cannot read the attachment " + name + ": " + e.getMessage(), e);
        }
        part.setHeader(Pop3LiteConstants.ATTACHMENT_NAME, name);
        part.setHeader(Pop3LiteConstants.ATTACHMENT_CONTENT_TYPE, mimeType(source.getContentType()));
        String contentId = attachment.getHeader("Content-ID");
        if (contentId != null) {
            part.setHeader(Pop3LiteConstants.ATTACHMENT_CONTENT_ID, contentId);
        }
        String disposition = attachment.getHeader("Content-Disposition");
        if (disposition != null) {
            int semicolon = disposition.indexOf(';');
            part.setHeader(Pop3LiteConstants.ATTACHMENT_DISPOSITION,
                    (semicolon < 0 ? disposition : disposition.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT));
        }
        return part;
    }

    private static String mimeType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return semicolon < 0 ? contentType : contentType.substring(0, semicolon).trim();
    }

    /** Walks the raw mail as the Splitter iterates: the next attachment is spooled only when it is asked for. */
    private static final class Parsed implements Iterator<Message> {

        private final Exchange exchange;
        private final Message mail;
        private final StreamCache raw;
        private final MimeParts parts;
        private final AttachmentNames names = new AttachmentNames(AttachmentNames.Duplicates.UUID_SUFFIX);
        private int index;
        private Message next;
        private boolean done;

        Parsed(Exchange exchange, Message mail, StreamCache raw) {
            this.exchange = exchange;
            this.mail = mail;
            this.raw = raw;
            raw.reset();
            this.parts = new MimeParts(exchange.getContext().getTypeConverter().convertTo(InputStream.class, exchange, raw));
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public Message next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Message result = next;
            next = null;
            return result;
        }

        private Message advance() {
            try {
                for (MimeParts.Part part = parts.next(); part != null; part = parts.next()) {
                    if (part.isAttachment()) {
                        String name = names.name(part.fileName(), part.mimeType(), ++index);
                        return part(exchange, mail, name, MailContentMapper.attachment(name, part, exchange));
                    }
                }
            } catch (IOException | MimeException e) {
                throw new RuntimeCamelException("cannot split the attachments of mail "
                                                + mail.getHeader(Pop3LiteConstants.IDEMPOTENT_KEY) + ": " + e.getMessage(), e);
            }
            done = true;
            raw.reset();
            return null;
        }
    }
}
