package io.github.pop3lite.client;

import java.util.Arrays;

/**
 * The message numbers of a listing: at the start of a session they are 1, 2, 3, ..., so nothing is stored until
 * one is not, and then an array.
 */
final class MessageNumbers {

    private int[] numbers;

    void add(int index, int number) {
        if (numbers == null && number != index + 1) {
            numbers = new int[Math.max(16, index + 1)];
            for (int i = 0; i < index; i++) {
                numbers[i] = i + 1;
            }
        }
        if (numbers != null) {
            if (index == numbers.length) {
                numbers = Arrays.copyOf(numbers, grown(index));
            }
            numbers[index] = number;
        }
    }

    int get(int index) {
        return numbers == null ? index + 1 : numbers[index];
    }

    /** The next capacity of an array of {@code length}: half as large again, as ArrayList grows. */
    static int grown(int length) {
        return Math.max(16, length + (length >> 1));
    }

    static int checked(int index, int count) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("index " + index + " of a listing of " + count);
        }
        return index;
    }
}
