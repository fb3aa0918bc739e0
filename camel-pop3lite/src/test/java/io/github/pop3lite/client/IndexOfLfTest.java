package io.github.pop3lite.client;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The eight-bytes-at-a-time LF search agrees with a plain loop for every range and position. */
class IndexOfLfTest {

    private static int plain(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findsTheFirstLfWhereverItIs() {
        for (int length = 0; length <= 40; length++) {
            for (int at = -1; at < length; at++) {
                byte[] b = new byte[length];
                java.util.Arrays.fill(b, (byte) 'x');
                if (at >= 0) {
                    b[at] = '\n';
                }
                for (int from = 0; from <= length; from++) {
                    assertEquals(plain(b, from, length), DotTerminatedInputStream.indexOfLf(b, from, length),
                            "length " + length + ", LF at " + at + ", from " + from);
                }
            }
        }
    }

    @Test
    void bytesNearLfAreNotMistakenForIt() {
        // 0x0B, 0x09, 0x8A and 0x00 differ from LF by one bit or a borrow: the classic false positives
        byte[] alphabet = { '\n', 0x0B, 0x09, (byte) 0x8A, 0x00, (byte) 0xFF, 0x01, '.', '\r', 'a' };
        Random random = new Random(1939);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(64)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : alphabet[1 + random.nextInt(alphabet.length - 1)];
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            assertEquals(plain(b, from, to), DotTerminatedInputStream.indexOfLf(b, from, to), java.util.Arrays.toString(b));
        }
    }
}
