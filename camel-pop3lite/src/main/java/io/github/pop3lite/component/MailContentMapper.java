package io.github.pop3lite.component;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.activation.DataHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.attachment.Attachment;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.attachment.DefaultAttachment;
import org.apache.camel.attachment.DefaultAttachmentMessage;
import org.apache.camel.spi.StreamCachingStrategy;
import org.apache.james.mime4j.MimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a downloaded mail's content onto its Exchange, in one streaming pass over the raw message:
 * with {@code mapMessage=text} the body becomes the mail's text (the raw message stays in the
 * exchange property {@link Pop3LiteConstants#RAW_MESSAGE}), with {@code attachments=true} the
 * message becomes an {@link AttachmentMessage} whose attachments are spooled through Camel's
 * stream caching. A mail whose MIME cannot be mapped keeps its raw body and gets the header
 * {@link Pop3LiteConstants#MAPPING_FAILURE}: it is routed all the same.
 */
final class MailContentMapper {

    private static final Logger LOG = LoggerFactory.getLogger(MailContentMapper.class);

    /** Each attachment holds a stream cache and an open spool file until the Exchange completes. */
    static final int MAX_ATTACHMENTS = 1000;

    private final boolean text;
    private final boolean attachments;
    private final AttachmentNames.Duplicates duplicates;

    MailContentMapper(boolean text, boolean attachments, AttachmentNames.Duplicates duplicates) {
        this.text = text;
        this.attachments = attachments;
        this.duplicates = duplicates;
    }

    /** The mapper for an endpoint's options, or {@code null} with {@code mapMessage=raw} and no attachments. */
    static MailContentMapper of(Pop3LiteConfiguration config, CamelContext context) {
        requireCamelAttachments(context);
        boolean text = config.textBody();
        AttachmentNames.Duplicates duplicates = AttachmentNames.Duplicates.of(config.getHandleDuplicateAttachmentNames());
        if (!text && !config.isAttachments()) {
            return null;
        }
        StreamCachingStrategy strategy = context.getStreamCachingStrategy();
        if (config.isAttachments() && !(strategy.isEnabled() && strategy.isSpoolEnabled())) {
            LOG.warn("pop3lite attachments=true: the CamelContext's stream caching does not spool to disk, so each"
                     + " attachment is held in memory. Enable spooling (camel.main.streamCachingSpoolEnabled=true, or"
                     + " context.getStreamCachingStrategy().setSpoolEnabled(true)) to keep large attachments out of the"
                     + " heap.");
        }
        return new MailContentMapper(text, config.isAttachments(), duplicates);
    }

    /** camel-attachments is the application's dependency (at its Camel version), so say plainly when it is missing. */
    static void requireCamelAttachments(CamelContext context) {
        try {
            Class.forName("org.apache.camel.attachment.AttachmentMessage", false, MailContentMapper.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("pop3lite: mapMessage=text and attachments=true need camel-attachments:"
                                               + " add the dependency org.apache.camel:camel-attachments, at the version"
                                               + " of your other Camel artifacts (" + context.getVersion() + ")", e);
        }
    }

    /** Maps {@code raw}, the Exchange's raw message, onto {@code exchange}; leaves {@code raw} reset to its start. */
    void map(Exchange exchange, StreamCache raw) {
        if (text) {
            exchange.setProperty(Pop3LiteConstants.RAW_MESSAGE, raw);
        }
        try {
            raw.reset();
            Content content = read(exchange, exchange.getContext().getTypeConverter()
                    .mandatoryConvertTo(InputStream.class, exchange, raw));
            apply(exchange, content);
        } catch (Exception e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.toString();
            exchange.getIn().setHeader(Pop3LiteConstants.MAPPING_FAILURE, reason);
            LOG.warn("Mail {} ({}): its MIME content could not be mapped ({}); it is routed with the raw message as its"
                     + " body and the header {}", exchange.getIn().getHeader(Pop3LiteConstants.MESSAGE_NUMBER),
                    exchange.getIn().getHeader(Pop3LiteConstants.IDEMPOTENT_KEY), reason,
                    Pop3LiteConstants.MAPPING_FAILURE);
        } finally {
            raw.reset();
        }
    }

    /** What one pass over the mail found: the text parts of the body's first group, and the attachments. */
    private record Content(List<MailText> texts, List<Named> attachments) {
    }

    private record Named(String name, Attachment attachment) {
    }

    private Content read(Exchange exchange, InputStream message) throws IOException, MimeException {
        MimeParts parts = new MimeParts(message);
        AttachmentNames names = new AttachmentNames(duplicates);
        List<MailText> texts = new ArrayList<>();
        List<Named> found = new ArrayList<>();
        // the first text part decides: alone, or with the other renderings of its multipart/alternative
        int group = -1;
        int index = 0;
        for (MimeParts.Part part = parts.next(); part != null; part = parts.next()) {
            if (part.isAttachment()) {
                if (!attachments) {
                    continue;
                }
                index++;
                if (index > MAX_ATTACHMENTS) {
                    throw new MimeException("the mail has more than " + MAX_ATTACHMENTS + " attachments");
                }
                String name = names.name(part.fileName(), part.mimeType(), index);
                if (name == null) {
                    LOG.debug("Attachment {} of mail {} is named {} like an earlier one and is left out"
                              + " (handleDuplicateAttachmentNames=never)", index,
                            exchange.getIn().getHeader(Pop3LiteConstants.IDEMPOTENT_KEY), part.fileName());
                    continue;
                }
                found.add(new Named(name, attachment(name, part, exchange)));
            } else if (text && (group < 0 || group > 0 && part.alternative() == group)) {
                group = part.alternative();
                texts.add(MailText.read(part));
            }
        }
        return new Content(texts, found);
    }

    private void apply(Exchange exchange, Content content) {
        if (text) {
            MailText body = chosen(content.texts());
            exchange.getIn().setBody(body == null ? "" : body.content());
            if (body != null) {
                exchange.getIn().setHeader(Pop3LiteConstants.BODY_CONTENT_TYPE, body.contentType());
            }
        }
        if (attachments) {
            Message in = exchange.getIn();
            AttachmentMessage message = in instanceof AttachmentMessage am ? am : new DefaultAttachmentMessage(in);
            for (Named named : content.attachments()) {
                message.addAttachmentObject(named.name(), named.attachment());
            }
            exchange.setIn(message);
        }
    }

    /** text/plain before text/html, as a mail client shows a multipart/alternative; otherwise the only one. */
    private static MailText chosen(List<MailText> texts) {
        for (MailText candidate : texts) {
            if (candidate.mimeType().equals("text/plain")) {
                return candidate;
            }
        }
        return texts.isEmpty() ? null : texts.get(0);
    }

    /** Spools the part's decoded content and carries its header fields (Content-Type, Content-ID, ...) along. */
    static Attachment attachment(String name, MimeParts.Part part, Exchange exchange) throws IOException {
        String contentType = part.mimeType().startsWith("text/") && part.charset() != null
                ? part.mimeType() + "; charset=" + part.charset().toLowerCase(Locale.ROOT)
                : part.mimeType();
        DefaultAttachment attachment = new DefaultAttachment(
                new DataHandler(SpooledAttachment.spool(name, contentType, part.content(), exchange)));
        for (Map.Entry<String, String> header : part.headers().entrySet()) {
            attachment.setHeader(header.getKey(), header.getValue());
        }
        return attachment;
    }
}
