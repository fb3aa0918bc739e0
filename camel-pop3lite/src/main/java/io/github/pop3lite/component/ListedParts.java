package io.github.pop3lite.component;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import io.github.pop3lite.component.DeliveryLedger.Listed;

/**
 * What the ledger asks of a listing's parts (UIDL and size, {@link Listed#part()}): whether the listing shows a
 * part, whether an entry's part is listed only once, and whether an entry is the first with its part. Answered
 * from sorted arrays of hashes and entry indexes rather than sets of Strings, so that a listing of a million
 * messages takes 8 MB while the poll is planned. The arrays are split by the hash's top bits into buckets of a
 * few thousand entries: in a small heap one array of 8 MB may find no room (the garbage collector does not move
 * arrays that large) where many small ones do.
 */
final class ListedParts {

    /**
     * Seeds the hash, so that a server cannot choose ids whose hashes collide and make the scans of equal hashes
     * long ({@link String#hashCode()} collisions are easy to make, whatever is done with them afterwards).
     */
    private static final int SEED = new SecureRandom().nextInt();
    private static final int BUCKET_BITS = 8;

    private final List<Listed> listing;
    /**
     * Per bucket, {@code hash << 32 | index} of the first entry of each distinct part, sorted, the first
     * {@link #distinct} of them; null once {@link #endLookups()} let them go.
     */
    private long[][] buckets = new long[1 << BUCKET_BITS][];
    private final int[] distinct = new int[1 << BUCKET_BITS];
    /** Entries whose part is listed more than once. */
    private final BitSet shared = new BitSet();
    /** Entries whose part an earlier entry has. */
    private final BitSet repeated = new BitSet();

    ListedParts(List<Listed> listing) {
        this.listing = listing;
        for (int i = 0; i < listing.size(); i++) {
            int hash = hash(listing.get(i).part());
            int bucket = bucketOf(hash);
            long[] entries = buckets[bucket];
            if (entries == null || distinct[bucket] == entries.length) {
                buckets[bucket] = entries = Arrays.copyOf(entries == null ? new long[0] : entries,
                        Math.max(16, distinct[bucket] + (distinct[bucket] >> 1)));
            }
            entries[distinct[bucket]++] = (long) hash << 32 | i;
        }
        for (int bucket = 0; bucket < buckets.length; bucket++) {
            if (buckets[bucket] != null) {
                distinct[bucket] = firsts(buckets[bucket], distinct[bucket]);
            }
        }
    }

    /**
     * Sorts a bucket's entries, marks those whose part is listed more than once, and keeps the first entry of each
     * distinct part at the front.
     *
     * @return how many entries were kept
     */
    private int firsts(long[] entries, int count) {
        // equal hashes end up together, their entries in listing order
        Arrays.sort(entries, 0, count);
        int kept = 0;
        for (int start = 0, end; start < count; start = end) {
            end = start + 1;
            while (end < count && hashOf(entries[end]) == hashOf(entries[start])) {
                end++;
            }
            if (end - start == 1) {
                entries[kept++] = entries[start];
                continue;
            }
            // parts that share a hash: nearly always one part listed several times
            List<String> parts = new ArrayList<>();
            int[] first = new int[end - start];
            for (int j = start; j < end; j++) {
                int index = indexOf(entries[j]);
                String part = listing.get(index).part();
                int known = parts.indexOf(part);
                if (known < 0) {
                    first[parts.size()] = index;
                    parts.add(part);
                    entries[kept++] = entries[j];
                } else {
                    repeated.set(index);
                    shared.set(index);
                    shared.set(first[known]);
                }
            }
        }
        return kept;
    }

    /** Whether the listing shows this part; only before {@link #endLookups()}. */
    boolean contains(String part) {
        if (buckets == null) {
            throw new IllegalStateException("the listing's parts were looked up after endLookups()");
        }
        int hash = hash(part);
        long[] entries = buckets[bucketOf(hash)];
        int count = distinct[bucketOf(hash)];
        if (entries == null) {
            return false;
        }
        int at = Arrays.binarySearch(entries, 0, count, (long) hash << 32);
        for (at = at < 0 ? -at - 1 : at; at < count && hashOf(entries[at]) == hash; at++) {
            if (listing.get(indexOf(entries[at])).part().equals(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lets the arrays behind {@link #contains} go (8 octets a message), keeping {@link #unique} and {@link #first}:
     * the ledger's walk through a large listing then has that much more heap.
     */
    void endLookups() {
        buckets = null;
    }

    /** Whether entry {@code index} is the only one with its part. */
    boolean unique(int index) {
        return !shared.get(index);
    }

    /** Whether no entry before {@code index} has its part. */
    boolean first(int index) {
        return !repeated.get(index);
    }

    private static int bucketOf(int hash) {
        return hash >>> (Integer.SIZE - BUCKET_BITS);
    }

    private static int hashOf(long entry) {
        return (int) (entry >> 32);
    }

    private static int indexOf(long entry) {
        return (int) entry;
    }

    private static int hash(String part) {
        int hash = SEED;
        for (int i = 0; i < part.length(); i++) {
            hash = (hash ^ part.charAt(i)) * 0x9E3779B1;
            hash ^= hash >>> 15;
        }
        return hash;
    }
}
