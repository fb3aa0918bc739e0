package io.github.pop3lite.client;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * A LIST reply kept in arrays rather than an object per message: a maildrop of a million messages takes 4 MB (the
 * numbers are kept only when they are not 1, 2, 3, ..., and sizes take a long only once one needs it), where a list
 * of records took about 40 MB. Read-only; {@link #get} makes each {@link MessageSize} as it is asked for, and
 * {@link #number(int)} and {@link #size(int)} read an entry without making one.
 */
public final class MessageSizeList extends AbstractList<MessageSize> implements RandomAccess {

    private final MessageNumbers numbers = new MessageNumbers();
    private int[] sizes = new int[16];
    /** Replaces {@link #sizes} once a size does not fit an int. */
    private long[] largeSizes;
    private int count;

    MessageSizeList() {
    }

    void add(int number, long size) {
        numbers.add(count, number);
        if (largeSizes == null && size > Integer.MAX_VALUE) {
            largeSizes = new long[Math.max(16, sizes.length)];
            for (int i = 0; i < count; i++) {
                largeSizes[i] = sizes[i];
            }
            sizes = null;
        }
        if (largeSizes != null) {
            if (count == largeSizes.length) {
                largeSizes = Arrays.copyOf(largeSizes, MessageNumbers.grown(count));
            }
            largeSizes[count] = size;
        } else {
            if (count == sizes.length) {
                sizes = Arrays.copyOf(sizes, MessageNumbers.grown(count));
            }
            sizes[count] = (int) size;
        }
        count++;
    }

    @Override
    public MessageSize get(int index) {
        return new MessageSize(number(index), size(index));
    }

    /** The message number of entry {@code index}. */
    public int number(int index) {
        return numbers.get(MessageNumbers.checked(index, count));
    }

    /** The size in octets of entry {@code index}. */
    public long size(int index) {
        MessageNumbers.checked(index, count);
        return largeSizes != null ? largeSizes[index] : sizes[index];
    }

    @Override
    public int size() {
        return count;
    }
}
