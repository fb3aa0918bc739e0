package io.github.pop3lite.component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
    void answersAsSetsOfStringsDoOnRandomListingsFullOfRepeats() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<Listed> listing = new ArrayList<>();
            int count = random.nextInt(60);
            for (int n = 1; n <= count; n++) {
                String uid = random.nextInt(5) == 0 ? null : "u" + random.nextInt(8);
                listing.add(new Listed(n, 20 + random.nextInt(3), uid));
            }
            ListedParts parts = new ListedParts(listing);
            Map<String, Integer> perPart = new HashMap<>();
            listing.forEach(message -> perPart.merge(message.part(), 1, Integer::sum));
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < count; i++) {
                String part = listing.get(i).part();
                String where = "seed " + seed + ", round " + round + ", entry " + i + " of " + listing;
                assertEquals(perPart.get(part) == 1, parts.unique(i), where);
                assertEquals(seen.add(part), parts.first(i), where);
            }
            for (int u = 0; u < 9; u++) {
                for (int size = 19; size < 24; size++) {
                    String part = (u == 8 ? "" : "u" + u) + " " + size;
                    assertEquals(perPart.containsKey(part), parts.contains(part), "seed " + seed + ": " + part);
                }
            }
        }
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
