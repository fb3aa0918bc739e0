package io.github.pop3lite.component;

import org.apache.camel.spi.Metadata;

/** The headers the pop3lite consumer sets on each Exchange. */
public final class Pop3LiteConstants {

    @Metadata(label = "consumer", description = "The message's number in the maildrop for this POP3 session (from 1).",
              javaType = "int")
    public static final String MESSAGE_NUMBER = "CamelPop3LiteMessageNumber";
    @Metadata(label = "consumer", description = "The server's unique id of the message (UIDL), stable across"
                                                + " sessions. Absent when the server does not support UIDL.",
              javaType = "String")
    public static final String UID = "CamelPop3LiteUid";
    @Metadata(label = "consumer", description = "The message's size in octets, as the server reported it in LIST.",
              javaType = "long")
    public static final String SIZE = "CamelPop3LiteSize";
    @Metadata(label = "consumer", description = "The key under which the message is recorded in the idempotent"
                                                + " repository.",
              javaType = "String")
    public static final String IDEMPOTENT_KEY = "CamelPop3LiteIdempotentKey";

    @Metadata(label = "consumer", description = "With mapMessage=text: the type of the part whose text is the body, and the"
                                                + " charset it was decoded with, for example text/plain; charset=UTF-8."
                                                + " Absent when the mail has no text part (the body is then empty).",
              javaType = "String")
    public static final String BODY_CONTENT_TYPE = "CamelPop3LiteBodyContentType";
    @Metadata(label = "consumer", description = "Set when mapMessage=text or attachments=true could not map the mail's"
                                                + " MIME content: why. The body is then the raw message, and the mail is"
                                                + " routed (and deleted on success) like any other.",
              javaType = "String")
    public static final String MAPPING_FAILURE = "CamelPop3LiteMappingFailure";
    @Metadata(label = "consumer", description = "On each Exchange of Pop3LiteAttachments.split(): the attachment's name"
                                                + " (its decoded file name, or a generated one), as in the"
                                                + " AttachmentMessage.",
              javaType = "String")
    public static final String ATTACHMENT_NAME = "CamelPop3LiteAttachmentName";
    @Metadata(label = "consumer", description = "On each Exchange of Pop3LiteAttachments.split(): the attachment's"
                                                + " content type, for example application/pdf.",
              javaType = "String")
    public static final String ATTACHMENT_CONTENT_TYPE = "CamelPop3LiteAttachmentContentType";
    @Metadata(label = "consumer", description = "On each Exchange of Pop3LiteAttachments.split(): the attachment's"
                                                + " Content-ID (an inline image a text/html part shows), when it has one.",
              javaType = "String")
    public static final String ATTACHMENT_CONTENT_ID = "CamelPop3LiteAttachmentContentId";
    @Metadata(label = "consumer", description = "On each Exchange of Pop3LiteAttachments.split(): attachment or inline,"
                                                + " as the part's Content-Disposition says; absent when it says nothing.",
              javaType = "String")
    public static final String ATTACHMENT_DISPOSITION = "CamelPop3LiteAttachmentDisposition";

    /**
     * The exchange property that holds the raw message (a re-readable {@link org.apache.camel.StreamCache}) when
     * mapMessage=text makes the body the mail's text. Valid until the Exchange completes.
     */
    public static final String RAW_MESSAGE = "CamelPop3LiteRawMessage";

    @Metadata(label = "consumer", description = "The mail's Subject, RFC 2047 encoded-words decoded (with"
                                                + " mapMailHeaders). Every other top-level header field of the"
                                                + " message is mapped the same way under its own name.",
              javaType = "String")
    public static final String SUBJECT = "Subject";
    @Metadata(label = "consumer", description = "The mail's From field, decoded (with mapMailHeaders).",
              javaType = "String")
    public static final String FROM = "From";
    @Metadata(label = "consumer", description = "The mail's To field, decoded (with mapMailHeaders).",
              javaType = "String")
    public static final String TO = "To";
    @Metadata(label = "consumer", description = "The mail's Cc field, decoded (with mapMailHeaders).",
              javaType = "String")
    public static final String CC = "Cc";
    @Metadata(label = "consumer", description = "The mail's Date field as written by the sender (with"
                                                + " mapMailHeaders).",
              javaType = "String")
    public static final String DATE = "Date";
    @Metadata(label = "consumer", description = "The mail's Message-ID field (with mapMailHeaders).",
              javaType = "String")
    public static final String MESSAGE_ID = "Message-ID";

    private Pop3LiteConstants() {
    }
}
