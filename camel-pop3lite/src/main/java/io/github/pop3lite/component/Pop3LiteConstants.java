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
