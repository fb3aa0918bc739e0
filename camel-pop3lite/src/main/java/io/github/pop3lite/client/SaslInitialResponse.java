package io.github.pop3lite.client;

/**
 * Whether the first SASL response goes on the AUTH line itself (RFC 5034 initial response) or on
 * a line of its own after the server's empty {@code +} challenge. Either way it goes on its own
 * line when the AUTH line would be longer than 255 octets, as RFC 5034 requires.
 */
public enum SaslInitialResponse {
    /**
     * On the AUTH line, except for XOAUTH2: Exchange Online refuses XOAUTH2 with an initial
     * response, so XOAUTH2 is sent in two lines, and again with the initial response only when the
     * server refused the bare {@code AUTH XOAUTH2} (before any token was sent).
     */
    AUTO,
    /** Always on the AUTH line (when it fits). */
    ALWAYS,
    /** Always on a line of its own. */
    NEVER
}
