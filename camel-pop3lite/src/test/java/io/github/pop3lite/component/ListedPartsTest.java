package io.github.pop3lite.component;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.github.pop3lite.component.DeliveryLedger.Listed;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's questions about a listing's parts, answered without a set of Strings. */
class ListedPartsTest {

    private static List<Boolean> unique(ListedParts parts, int count) {
        return IntStream.range(0, count).mapToObj(parts::unique).toList();
    }

    private static List<Boolean> first(ListedParts parts, int count) {
        return IntStream.range(0, count).mapToObj(parts::first).toList();
    }

    @Test
    void sharedUidlsAndSizesAreToldFromUniqueOnesAndTheFirstOfEachIsKnown() {
        List<Listed> listing = List.of(new Listed(1, 10, "a"), new Listed(2, 10, "b"), new Listed(3, 10, "a"),
                new Listed(4, 11, "a"), new Listed(5, 10, null), new Listed(6, 10, "a"), new Listed(7, 12, null));
        ListedParts parts = new ListedParts(listing);
        assertEquals(List.of(false, true, false, true, true, false, true), unique(parts, 7));
        assertEquals(List.of(true, true, false, true, true, false, true), first(parts, 7));
        assertTrue(parts.contains("a 10"));
        assertTrue(parts.contains("a 11"));
        assertTrue(parts.contains(" 12"), "a message without UIDL is listed by its size");
        assertFalse(parts.contains("a 12"));
        assertFalse(parts.contains("c 10"));
    }

    @Test
    void aLargeListingWithFewRepeatsIsAnsweredEntryByEntry() {
        List<Listed> listing = new ArrayList<>();
        for (int n = 1; n <= 100_000; n++) {
            listing.add(new Listed(n, 2000, n % 1000 == 0 ? "repeated" : "uid-" + n));
        }
        ListedParts parts = new ListedParts(listing);
        assertTrue(parts.unique(0));
        assertFalse(parts.unique(999));
        assertTrue(parts.first(999));
        assertFalse(parts.first(1999));
        assertTrue(parts.contains("uid-77777 2000"));
        assertFalse(parts.contains("uid-77777 2001"));
        assertFalse(parts.contains("uid-1000 2000"), "its UIDL was 'repeated'");
    }

    @Test
    void afterTheLookupsEndedTheyAreRefusedButUniquenessStays() {
        ListedParts parts = new ListedParts(List.of(new Listed(1, 10, "a"), new Listed(2, 10, "a")));
        parts.endLookups();
        assertThrows(IllegalStateException.class, () -> parts.contains("a 10"));
        assertFalse(parts.unique(1));
        assertFalse(parts.first(1));
    }
}
