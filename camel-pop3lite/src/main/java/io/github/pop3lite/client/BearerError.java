package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The error challenge of XOAUTH2 and OAUTHBEARER (RFC 7628 section 3.2.2): a JSON object such as
 * {@code {"status":"invalid_token","scope":"...","schemes":"bearer"}}, shown to the user.
 */
final class BearerError {

    /** Enough for every real error object; a longer one is cut, since it only goes into a message. */
    private static final int MAX_SHOWN = 300;

    /** No nested quantifiers: linear on any input. */
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]{0,100})\"");

    private BearerError() {
    }

    /** The failure detail for the error message: the status, then the whole object as sent. */
    static String describe(byte[] challenge) {
        String json = Pop3Reply.printable(new String(challenge, StandardCharsets.UTF_8));
        if (json.length() > MAX_SHOWN) {
            json = json.substring(0, MAX_SHOWN) + "...";
        }
        Matcher status = STATUS.matcher(json);
        return status.find() ? "status " + status.group(1) + " (" + json + ")" : json;
    }
}
