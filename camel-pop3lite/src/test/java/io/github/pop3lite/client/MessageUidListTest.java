package io.github.pop3lite.client;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The compact listings hand back exactly what was added, across the pages of ids and the growth of the arrays. */
class MessageUidListTest {

    @Test
    void idsOfEveryLengthComeBackAcrossPageBoundaries() {
        MessageUidList list = new MessageUidList();
        List<MessageUid> expected = new ArrayList<>();
        StringBuilder uid = new StringBuilder();
        // 5,000 ids of 1 to 1,000 characters fill about ten pages of 256 KiB, each ending with a part it cannot use
        for (int n = 1; n <= 5_000; n++) {
            uid.setLength(0);
            int length = 1 + (n * 7919) % 1000;
            for (int i = 0; i < length; i++) {
                uid.append((char) ('!' + (n + i) % 94));
            }
            list.add(n, uid.toString());
            expected.add(new MessageUid(n, uid.toString()));
        }
        assertEquals(expected, list);
        assertEquals(expected.get(1_234).uid(), list.uid(1_234));
        assertEquals(5_000, list.number(4_999));
        assertThrows(IndexOutOfBoundsException.class, () -> list.uid(5_000));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(-1));
    }

    @Test
    void numbersThatAreNotOneTwoThreeComeBackToo() {
        MessageUidList uids = new MessageUidList();
        MessageSizeList sizes = new MessageSizeList();
        for (int n : new int[] { 1, 2, 3, 5, 8, 13 }) {
            uids.add(n, "u" + n);
            sizes.add(n, n);
        }
        assertEquals(List.of(1, 2, 3, 5, 8, 13), uids.stream().map(MessageUid::number).toList());
        assertEquals(List.of(1, 2, 3, 5, 8, 13), sizes.stream().map(MessageSize::number).toList());
        assertEquals("u8", uids.uid(4));
    }

    @Test
    void sizesOverTwoGigabytesComeBackAfterSmallOnes() {
        MessageSizeList list = new MessageSizeList();
        list.add(1, 100);
        list.add(2, 3L * Integer.MAX_VALUE);
        list.add(3, 7);
        assertEquals(List.of(new MessageSize(1, 100), new MessageSize(2, 3L * Integer.MAX_VALUE),
                new MessageSize(3, 7)), list);
    }

    @Test
    void sizesComeBackAsAdded() {
        MessageSizeList list = new MessageSizeList();
        for (int n = 1; n <= 1000; n++) {
            list.add(n, 10L * Integer.MAX_VALUE + n);
        }
        assertEquals(1000, list.size());
        assertEquals(new MessageSize(500, 10L * Integer.MAX_VALUE + 500), list.get(499));
        assertEquals(1000, list.number(999));
        assertThrows(IndexOutOfBoundsException.class, () -> list.size(1000));
    }
}
