package io.github.pop3lite.client;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Message data is cut just past its limit, and the octet past it is seen by the caller first. */
class DataLimitTest {

    private static DotTerminatedInputStream data(String wire, long limit) {
        return new DotTerminatedInputStream(new Pop3Input(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)),
                null, 0), 5, limit);
    }

    @Test
    void dataOfExactlyTheLimitPasses() throws Exception {
        assertArrayEquals("abc\r\n".getBytes(StandardCharsets.US_ASCII), data("abc\r\n.\r\n", 5).readAllBytes());
    }

    @Test
    void dataPastTheLimitFailsAfterOneOctetMore() throws Exception {
        DotTerminatedInputStream in = data("abcd\r\n.\r\n", 5);
        byte[] buffer = new byte[100];
        assertEquals(6, in.read(buffer));
        Pop3MessageTooLargeException e = assertThrows(Pop3MessageTooLargeException.class, () -> in.read(buffer));
        assertEquals(5, e.limit());
        assertEquals(5, e.announced());
        // the session is out of step: closing the stream reads nothing more
        in.close();
    }

    @Test
    void theToleranceIsATenthAndFourKibibytes() {
        assertEquals(4096, Pop3Client.dataLimit(0));
        assertEquals(100 + 10 + 4096, Pop3Client.dataLimit(100));
        assertEquals(Long.MAX_VALUE, Pop3Client.dataLimit(Long.MAX_VALUE - 10));
    }
}
