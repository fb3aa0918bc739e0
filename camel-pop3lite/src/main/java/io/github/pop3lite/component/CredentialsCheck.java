package io.github.pop3lite.component;

import java.nio.charset.StandardCharsets;

import io.github.pop3lite.client.AuthenticationMethod;

/**
 * Checks the user name and password when the route starts, so that a value that can never log in
 * fails the start with a message naming the option, rather than every poll with a stack trace. The
 * messages never quote the values: they are secrets, and a user name is often a mail address.
 */
final class CredentialsCheck {

    /** RFC 2449: a command line, CRLF included, is at most 255 octets. */
    static final int MAX_COMMAND_OCTETS = 255;

    /** {@code "USER "} or {@code "PASS "} and CRLF around the value. */
    static final int MAX_USER_PASS_OCTETS = MAX_COMMAND_OCTETS - "USER ".length() - 2;

    /** {@code "APOP "}, a space, the 32 hex digits of the digest and CRLF around the user name. */
    static final int MAX_APOP_USER_OCTETS = MAX_COMMAND_OCTETS - "APOP ".length() - 1 - 32 - 2;

    private CredentialsCheck() {
    }

    /**
     * @throws IllegalArgumentException naming the option and what is wrong with it
     */
    static void check(Pop3LiteConfiguration config) {
        AuthenticationMethod method = config.authenticationMethod();
        String username = config.getUsername();
        forbiddenCharacters("username", username);
        if (config.usesAccessToken()) {
            // SASL sends the user name and token base64-encoded on lines of their own: only the characters matter
            if (config.getAccessToken() != null) {
                forbiddenCharacters("accessToken", config.getAccessToken());
            }
            return;
        }
        // SASL mechanisms with a password send it base64-encoded on a line of its own, not within a command
        boolean apopPossible = method == AuthenticationMethod.AUTO || method == AuthenticationMethod.APOP;
        boolean userPassPossible = method == AuthenticationMethod.AUTO || method == AuthenticationMethod.USER
                                   || method == AuthenticationMethod.APOP && config.isApopFallback();
        String password = config.getPassword();
        forbiddenCharacters("password", password);
        if (password.isEmpty()) {
            throw new IllegalArgumentException("pop3lite: the password option is empty. POP3 servers refuse an empty"
                                               + " password; set password=RAW(...) to the maildrop's password");
        }
        int userOctets = username.getBytes(StandardCharsets.UTF_8).length;
        if (userPassPossible && userOctets > MAX_USER_PASS_OCTETS || apopPossible && userOctets > MAX_APOP_USER_OCTETS) {
            int max = apopPossible ? MAX_APOP_USER_OCTETS : MAX_USER_PASS_OCTETS;
            throw new IllegalArgumentException("pop3lite: the username option is " + userOctets + " octets long (UTF-8);"
                                               + " with authentication=" + config.getAuthentication() + " it can be at"
                                               + " most " + max + ", or the login command would exceed the "
                                               + MAX_COMMAND_OCTETS + " octets that RFC 2449 allows");
        }
        int passwordOctets = password.getBytes(StandardCharsets.UTF_8).length;
        if (userPassPossible && passwordOctets > MAX_USER_PASS_OCTETS) {
            throw new IllegalArgumentException("pop3lite: the password option is " + passwordOctets + " octets long"
                                               + " (UTF-8); it can be at most " + MAX_USER_PASS_OCTETS + ", or the PASS"
                                               + " command would exceed the " + MAX_COMMAND_OCTETS + " octets that RFC"
                                               + " 2449 allows. (With authentication=apop and apopFallback=false the"
                                               + " password is never sent and may be longer.)");
        }
    }

    private static void forbiddenCharacters(String option, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                String what = c == '\0' ? "a NUL character" : c == '\r' ? "a carriage return (CR)" : "a line feed (LF)";
                throw new IllegalArgumentException("pop3lite: the " + option + " option contains " + what + " at"
                                                   + " position " + (i + 1) + " of " + value.length() + ", which cannot"
                                                   + " be sent in a POP3 command. Remove it; a line break at the end"
                                                   + " often comes from a file or variable the value was read from");
            }
        }
    }
}
