package io.github.pop3lite.client;

/**
 * One line of UIDL.
 *
 * @param number message number, from 1
 * @param uid    the server's unique id of the message, stable across sessions
 */
public record MessageUid(int number, String uid) {
}
