package io.github.pop3lite.client;

/**
 * One line of LIST.
 *
 * @param number message number, from 1
 * @param size   size in octets as the server counts it
 */
public record MessageSize(int number, long size) {
}
