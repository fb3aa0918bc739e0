package io.github.pop3lite.client;

/**
 * When a session may send commands ahead of their replies (RFC 2449 PIPELINING) in the TRANSACTION
 * state. Never across the login: some servers throw away commands that arrive before they asked for
 * them. Ask {@link Pop3Client#mayPipeline()} for the session's verdict.
 */
public enum Pipelining {
    /**
     * When the server announces PIPELINING, or else when a probe after login (two NOOPs in one write,
     * both answered promptly) shows that it answers commands sent together. Most servers do without
     * announcing it. The probe's verdict is kept in the {@link PipeliningMemory} of the options, so it
     * runs once per server rather than once per session.
     */
    AUTO,
    /** Only when the server announces PIPELINING in its CAPA reply after login. */
    ANNOUNCED,
    /** Never: one command at a time. */
    OFF
}
