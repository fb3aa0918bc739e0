package io.github.pop3lite.client;

import static io.github.pop3lite.client.DotTerminatedInputStreamTest.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Status lines: the indicator, the response codes of RFC 2449 and RFC 3206, and malformed lines. */
class Pop3ReplyTest {

    @Test
    void parsesOkWithText() throws Pop3ProtocolException {
        Pop3Reply reply = Pop3Reply.parse(latin1("+OK 2 320"));
        assertTrue(reply.ok());
        assertNull(reply.code());
        assertEquals("2 320", reply.text());
        assertEquals("+OK 2 320", reply.line());
    }

    @Test
    void parsesErrWithText() throws Pop3ProtocolException {
        Pop3Reply reply = Pop3Reply.parse(latin1("-ERR no such message"));
        assertFalse(reply.ok());
        assertEquals("no such message", reply.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"+OK", "-ERR"})
    void parsesABareIndicator(String line) throws Pop3ProtocolException {
        Pop3Reply reply = Pop3Reply.parse(latin1(line));
        assertEquals(line.equals("+OK"), reply.ok());
        assertEquals("", reply.text());
    }

    /** Checklist 8: each known code, in any case, with or without a detail level after '/'. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "-ERR [IN-USE] maildrop locked,               IN_USE,      maildrop locked",
        "-ERR [LOGIN-DELAY] wait 900 seconds,         LOGIN_DELAY, wait 900 seconds",
        "-ERR [SYS/TEMP] disk full,                   SYS_TEMP,    disk full",
        "-ERR [SYS/PERM] mailbox corrupt,             SYS_PERM,    mailbox corrupt",
        "-ERR [AUTH] bad password,                    AUTH,        bad password",
        "-ERR [in-use] lower case,                    IN_USE,      lower case",
        "-ERR [Login-Delay] mixed case,               LOGIN_DELAY, mixed case",
        "-ERR [sys/temp] lower case,                  SYS_TEMP,    lower case",
        "-ERR [sys/perm] lower case,                  SYS_PERM,    lower case",
        "-ERR [auth] lower case,                      AUTH,        lower case",
        "-ERR [SYS/TEMP/QUOTA] a finer level,         SYS_TEMP,    a finer level",
        "-ERR [AUTH/EXPIRED] a finer level,           AUTH,        a finer level",
        "+OK [IN-USE] codes may come with +OK,        IN_USE,      codes may come with +OK",
    })
    void recognisesResponseCodes(String line, ResponseCode code, String text) throws Pop3ProtocolException {
        Pop3Reply reply = Pop3Reply.parse(latin1(line));
        assertEquals(code, reply.code());
        assertEquals(text, reply.text());
    }

    /** RFC 2449: a client must ignore codes it does not know. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "-ERR [UNKNOWN-CODE] something,      something",
        "-ERR [SYS] something,               something",
        "-ERR [SYS/TEMPORARY] something,     something",
        "-ERR [IN-USE-NOT] something,        something",
        "-ERR [] something,                  something",
    })
    void ignoresUnknownCodes(String line, String text) throws Pop3ProtocolException {
        Pop3Reply reply = Pop3Reply.parse(latin1(line));
        assertNull(reply.code());
        assertEquals(text, reply.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-ERR no [IN-USE] in the middle", "-ERR [IN-USE no closing bracket", "-ERR IN-USE"})
    void aCodeCountsOnlyRightAfterTheIndicatorAndInBrackets(String line) throws Pop3ProtocolException {
        assertNull(Pop3Reply.parse(latin1(line)).code());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "OK", "+ok", "-err no", "+OKAY", "-ERROR", "* OK IMAP", "+ challenge"})
    void refusesALineThatIsNeitherOkNorErr(String line) {
        assertThrows(Pop3ProtocolException.class, () -> Pop3Reply.parse(latin1(line)));
    }

    @Test
    void controlCharactersCannotForgeLogLines() throws Pop3ProtocolException {
        Pop3Reply reply = Pop3Reply.parse(latin1("-ERR a\rINFO forged\u001b[31m\0"));
        assertEquals("-ERR a?INFO forged?[31m?", reply.line());
    }

    @Test
    void c1ControlOctetsCannotForgeLogLinesEither() throws Pop3ProtocolException {
        // read as ISO-8859-1, 0x85 is NEL (a line break to some log viewers) and 0x9b is CSI (a terminal escape)
        Pop3Reply reply = Pop3Reply.parse(new byte[] {'-', 'E', 'R', 'R', ' ', 'a', (byte) 0x85, 'b', (byte) 0x9b, '3',
                '1', 'm', (byte) 0xe9});
        assertEquals("-ERR a?b?31m\u00e9", reply.line());
        Pop3ProtocolException garbage = assertThrows(Pop3ProtocolException.class,
                () -> Pop3Reply.parse(new byte[] {(byte) 0x85, 'x', (byte) 0x9f}));
        assertTrue(garbage.getMessage().endsWith("'?x?'"), garbage.getMessage());
    }

    @Test
    void eightBitOctetsAreKeptOneCharacterEach() throws Pop3ProtocolException {
        Pop3Reply reply = Pop3Reply.parse(new byte[] {'+', 'O', 'K', ' ', (byte) 0xc3, (byte) 0xa9});
        assertEquals("\u00c3\u00a9", reply.text());
    }

    @Test
    void onlyInUseLoginDelayAndSysTempAreTransient() {
        assertTrue(ResponseCode.IN_USE.isTransient());
        assertTrue(ResponseCode.LOGIN_DELAY.isTransient());
        assertTrue(ResponseCode.SYS_TEMP.isTransient());
        assertFalse(ResponseCode.SYS_PERM.isTransient());
        assertFalse(ResponseCode.AUTH.isTransient());
    }
}
