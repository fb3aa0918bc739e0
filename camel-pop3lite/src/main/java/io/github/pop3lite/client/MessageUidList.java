package io.github.pop3lite.client;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A UIDL reply kept compact: the numbers in an array, the ids' octets (printable ASCII) in pages of 256 KiB, rather
 * than a record and a String per message. A million Dovecot ids (16 characters) take about 22 MB instead of about
 * 110 MB, and no array is ever copied whole to grow, so a listing at the engine's caps still fits a 64 MB heap unless
 * its ids are unusually long. Read-only; {@link #get} and {@link #uid(int)} make each id's String as it is asked for.
 */
public final class MessageUidList extends AbstractList<MessageUid> implements RandomAccess {

    private static final int PAGE_BITS = 18;
    private static final int PAGE = 1 << PAGE_BITS;

    private final List<byte[]> pages = new ArrayList<>();
    private int used = PAGE;
    private final MessageNumbers numbers = new MessageNumbers();
    /** Page index and offset in it, as {@code page << PAGE_BITS | offset}. */
    private int[] starts = new int[16];
    private short[] lengths = new short[16];
    private int count;

    MessageUidList() {
    }

    /** @param uid printable ASCII, shorter than a listing line (checked by the caller) */
    void add(int number, String uid) {
        if (count == starts.length) {
            int grown = MessageNumbers.grown(count);
            starts = Arrays.copyOf(starts, grown);
            lengths = Arrays.copyOf(lengths, grown);
        }
        int length = uid.length();
        if (used + length > PAGE) {
            pages.add(new byte[PAGE]);
            used = 0;
        }
        byte[] page = pages.get(pages.size() - 1);
        for (int i = 0; i < length; i++) {
            page[used + i] = (byte) uid.charAt(i);
        }
        numbers.add(count, number);
        starts[count] = (pages.size() - 1) << PAGE_BITS | used;
        lengths[count] = (short) length;
        used += length;
        count++;
    }

    @Override
    public MessageUid get(int index) {
        return new MessageUid(number(index), uid(index));
    }

    /** The message number of entry {@code index}. */
    public int number(int index) {
        return numbers.get(MessageNumbers.checked(index, count));
    }

    /** The unique id of entry {@code index}. */
    public String uid(int index) {
        int start = starts[MessageNumbers.checked(index, count)];
        return new String(pages.get(start >>> PAGE_BITS), start & (PAGE - 1), lengths[index], StandardCharsets.ISO_8859_1);
    }

    @Override
    public int size() {
        return count;
    }
}
