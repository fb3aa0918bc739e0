package io.github.pop3lite.client;

/**
 * The answer to STAT.
 *
 * @param count number of messages, not counting those marked deleted
 * @param size  their total size in octets
 */
public record MaildropStatus(int count, long size) {
}
