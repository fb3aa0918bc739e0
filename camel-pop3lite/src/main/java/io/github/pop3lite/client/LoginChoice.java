package io.github.pop3lite.client;

import java.util.List;
import java.util.Locale;

/**
 * What {@link AuthenticationMethod#AUTO} picks, from the server's CAPA and the connection.
 *
 * <p>With a password, the first of these that the server offers:
 * <ol>
 * <li>SCRAM-SHA-256, then SCRAM-SHA-1: the password never leaves this machine, the server proves
 * that it knows it (so an impostor is found out), and the server can store it salted and hashed;</li>
 * <li>only on a connection without TLS: CRAM-MD5, then APOP (greeting timestamp): the password
 * does not cross the network, though the server must keep it in clear and MD5 is weak. Over TLS
 * they add nothing and are passed over, as before;</li>
 * <li>USER/PASS: the password goes as it is, so the clear-text rule applies (TLS, loopback, or
 * allowPlaintextPassword). SASL PLAIN and LOGIN expose it just the same and are never chosen by
 * AUTO: every server has USER/PASS, some without listing USER in CAPA (GreenMail does so).</li>
 * </ol>
 * A server that does not answer CAPA gets APOP when its greeting offers it on a connection without
 * TLS, USER/PASS otherwise.
 *
 * <p>With an access token: OAUTHBEARER (the standard, RFC 7628), else XOAUTH2; XOAUTH2 too when
 * the server does not answer CAPA, since it is what Microsoft 365 and Gmail share.
 */
final class LoginChoice {

    private LoginChoice() {
    }

    static AuthenticationMethod forPassword(Capabilities caps, boolean encrypted, boolean apopOffered) {
        List<String> sasl = offered(caps);
        if (sasl.contains("SCRAM-SHA-256")) {
            return AuthenticationMethod.SCRAM_SHA_256;
        }
        if (sasl.contains("SCRAM-SHA-1")) {
            return AuthenticationMethod.SCRAM_SHA_1;
        }
        if (!encrypted && sasl.contains("CRAM-MD5")) {
            return AuthenticationMethod.CRAM_MD5;
        }
        if (!encrypted && apopOffered) {
            return AuthenticationMethod.APOP;
        }
        return AuthenticationMethod.USER;
    }

    static AuthenticationMethod forToken(Capabilities caps, String where) throws Pop3Exception {
        List<String> sasl = offered(caps);
        if (sasl.contains("OAUTHBEARER")) {
            return AuthenticationMethod.OAUTHBEARER;
        }
        if (sasl.contains("XOAUTH2") || !caps.isKnown()) {
            return AuthenticationMethod.XOAUTH2;
        }
        throw notOffered("an access token (XOAUTH2 or OAUTHBEARER)", caps, where);
    }

    /** Fails before any credential is sent when the server's CAPA does not list the mechanism. */
    static void requireOffered(String mechanism, Capabilities caps, String where) throws Pop3Exception {
        if (caps.isKnown() && !offered(caps).contains(mechanism.toUpperCase(Locale.ROOT))) {
            throw notOffered("SASL " + mechanism, caps, where);
        }
    }

    private static Pop3Exception notOffered(String what, Capabilities caps, String where) {
        List<String> sasl = caps.arguments("SASL");
        return new Pop3Exception("POP3 server " + where + " does not offer login with " + what + ": it offers "
                + (sasl.isEmpty() ? "no SASL mechanism" : "SASL " + String.join(" ", sasl))
                + (caps.has("USER") ? " and USER/PASS" : "") + ". Nothing was sent. Choose one of those with the"
                + " authentication option; some servers (Exchange Online on port 110) list their mechanisms only"
                + " after STLS, so try security=starttls or security=tls.");
    }

    private static List<String> offered(Capabilities caps) {
        return caps.arguments("SASL").stream().map(m -> Pop3Reply.printable(m).toUpperCase(Locale.ROOT)).toList();
    }
}
