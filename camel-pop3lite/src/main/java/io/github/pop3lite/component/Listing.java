package io.github.pop3lite.component;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.RandomAccess;

import io.github.pop3lite.client.MessageSizeList;
import io.github.pop3lite.client.MessageUidList;
import io.github.pop3lite.component.DeliveryLedger.Listed;

/**
 * The listing of one poll: LIST joined with UIDL by message number, over the engine's compact lists. Each
 * {@link Listed} is made as it is read, so that a maildrop of a million messages costs the engine's arrays and, at
 * most, an int per message, not an object.
 */
final class Listing extends AbstractList<Listed> implements RandomAccess {

    private final MessageSizeList sizes;
    /** Null when the server has no UIDL. */
    private final MessageUidList uids;
    /**
     * For each LIST entry, its UIDL entry or -1; null when UIDL lists the same numbers in the same order (what
     * servers do), so that entry i of one is entry i of the other.
     */
    private final int[] uidEntries;
    /** The LIST entries in this listing; null: all of them. */
    private final int[] entries;

    /** @param uids null when the server has no UIDL */
    Listing(MessageSizeList sizes, MessageUidList uids) {
        this(sizes, uids, uids == null || sameNumbers(sizes, uids) ? null : uidEntries(sizes, uids), null);
    }

    private Listing(MessageSizeList sizes, MessageUidList uids, int[] uidEntries, int[] entries) {
        this.sizes = sizes;
        this.uids = uids;
        this.uidEntries = uidEntries;
        this.entries = entries;
    }

    /** This listing less the entries whose indexes are set in {@code left}. */
    Listing without(BitSet left) {
        if (left.isEmpty()) {
            return this;
        }
        int[] kept = new int[size() - left.cardinality()];
        for (int i = 0, k = 0; i < size(); i++) {
            if (!left.get(i)) {
                kept[k++] = entry(i);
            }
        }
        return new Listing(sizes, uids, uidEntries, kept);
    }

    @Override
    public Listed get(int index) {
        int entry = entry(index);
        return new Listed(sizes.number(entry), sizes.size(entry), uid(entry));
    }

    /** The LIST size of entry {@code index}, without making its {@link Listed}. */
    long octets(int index) {
        return sizes.size(entry(index));
    }

    @Override
    public int size() {
        return entries == null ? sizes.size() : entries.length;
    }

    private int entry(int index) {
        return entries == null ? index : entries[index];
    }

    private String uid(int entry) {
        if (uids == null) {
            return null;
        }
        if (uidEntries == null) {
            return uids.uid(entry);
        }
        return uidEntries[entry] < 0 ? null : uids.uid(uidEntries[entry]);
    }

    private static boolean sameNumbers(MessageSizeList sizes, MessageUidList uids) {
        if (sizes.size() != uids.size()) {
            return false;
        }
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.number(i) != uids.number(i)) {
                return false;
            }
        }
        return true;
    }

    /** The UIDL entry of each LIST entry by its number; where UIDL lists a number twice, the later one counts. */
    private static int[] uidEntries(MessageSizeList sizes, MessageUidList uids) {
        long[] byNumber = new long[uids.size()];
        for (int i = 0; i < byNumber.length; i++) {
            byNumber[i] = (long) uids.number(i) << 32 | i;
        }
        Arrays.sort(byNumber);
        int[] found = new int[sizes.size()];
        for (int i = 0; i < found.length; i++) {
            int number = sizes.number(i);
            // above every entry of this number: the insertion point follows the last of them
            int at = -Arrays.binarySearch(byNumber, (long) number << 32 | 0xFFFFFFFFL) - 2;
            found[i] = at >= 0 && (int) (byNumber[at] >>> 32) == number ? (int) byNumber[at] : -1;
        }
        return found;
    }
}
