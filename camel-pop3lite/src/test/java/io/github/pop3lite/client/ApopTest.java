package io.github.pop3lite.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The APOP timestamp a greeting offers, and the digest (checklist 7). */
class ApopTest {

    @Test
    void digestMatchesTheRfc1939Example() {
        assertEquals("c4c9334bac560ecc979e58001b3e22fb", Apop.digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"));
    }

    @Test
    void findsTheTimestampOfTheRfc1939Greeting() {
        assertEquals(Optional.of("<1896.697170952@dbc.mtview.ca.us>"),
                Apop.timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {
        "<1.2@host> first",
        "ready <a!#$%&'*+-/=?^_`{|}~@[10.0.0.1]>",
        "ready <1.2@host> trailing > is text",
    })
    void acceptsAMsgId(String greeting) {
        assertTrue(Apop.timestamp(greeting).isPresent(), greeting);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {
        "POP3 server ready",
        "ready <1896.697170952.dbc.mtview.ca.us>",
        "ready <1896 697170952@dbc.mtview.ca.us>",
        "ready <>",
        "ready <@>",
        "ready <@host>",
        "ready <local@>",
        "ready <1.2@host",
        "ready 1.2@host>",
        "ready <1.2@host> <3.4@host>",
        "ready <1.2@host <3.4@host>",
        "ready <1.2@h\u00f6st>",
        "ready <1.2@host\u0000>",
        "ready <1.2@host\t>",
    })
    void offersNoApopForAGreetingWithoutExactlyOneValidMsgId(String greeting) {
        assertEquals(Optional.empty(), Apop.timestamp(greeting));
    }

    /** poplib's regex once backtracked for ever on this (CVE-2018-1060): the scan must be linear. */
    @Test
    void aMillionAngleBracketsFailFast() {
        String greeting = "ready " + "<".repeat(1_000_000);
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertEquals(Optional.empty(), Apop.timestamp(greeting)));
    }

    @Test
    void aMillionCharactersInsideOneTokenFailFast() {
        String greeting = "ready <" + "a".repeat(1_000_000);
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertEquals(Optional.empty(), Apop.timestamp(greeting)));
    }

    @Test
    void theSecretIsHashedAsUtf8() {
        // echo -n '<1.2@host>päss' | md5sum, in a UTF-8 shell
        assertEquals("72d435b1c07b3218bcfcd3897d5a7400", Apop.digest("<1.2@host>", "p\u00e4ss"));
    }
}
