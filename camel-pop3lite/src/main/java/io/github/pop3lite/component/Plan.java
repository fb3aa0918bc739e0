package io.github.pop3lite.component;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

import io.github.pop3lite.component.DeliveryLedger.Action;
import io.github.pop3lite.component.DeliveryLedger.Listed;
import io.github.pop3lite.component.DeliveryLedger.Step;

/**
 * The steps of a poll, kept as an int per step (the listing index and the action) rather than an object: each
 * {@link Step} is made as it is read, its key rebuilt from the listing ({@code <mailboxId>/<part>}, the key every
 * planned step other than {@link Action#FETCH} has). Read-only once planned.
 */
final class Plan extends AbstractList<Step> implements RandomAccess {

    private static final Action[] ACTIONS = Action.values();
    private static final int ACTION_BITS = 2;

    /** The listing, or only the messages planned once {@link #detached()}. */
    private final List<Listed> listing;
    private final String prefix;
    /** The most steps kept; 0: no limit. */
    private final int limit;
    private int[] steps = new int[16];
    private int count;

    /** @param limit the most steps to keep (0: no limit): those appended beyond it are left out */
    Plan(List<Listed> listing, String prefix, int limit) {
        this.listing = listing;
        this.prefix = prefix;
        this.limit = limit;
    }

    /** Plans the listing's entry {@code index} with the step's action. */
    void append(int index, Step step) {
        store(index << ACTION_BITS | step.action().ordinal());
    }

    /** Appends the steps of {@code other}. */
    void appendAll(Plan other) {
        for (int k = 0; k < other.count; k++) {
            store(other.steps[k]);
        }
    }

    /**
     * This plan with its own copy of the messages it plans, when they are few against the listing (under
     * maxMessagesPerPoll, say 10,000 of a million), so that the listing need not stay on the heap during the poll.
     * A {@link Listed} takes three to four times what an entry of the engine's compact listing does: a plan of more
     * than a quarter of the listing keeps the listing instead.
     */
    Plan detached() {
        if (count * 4L > listing.size()) {
            return this;
        }
        List<Listed> planned = new ArrayList<>(count);
        Plan copy = new Plan(planned, prefix, limit);
        for (int k = 0; k < count; k++) {
            planned.add(listing.get(steps[k] >>> ACTION_BITS));
            copy.store(k << ACTION_BITS | steps[k] & (1 << ACTION_BITS) - 1);
        }
        return copy;
    }

    private void store(int step) {
        if (limit > 0 && count == limit) {
            return;
        }
        if (count == steps.length) {
            steps = Arrays.copyOf(steps, count + (count >> 1));
        }
        steps[count++] = step;
    }

    @Override
    public Step get(int k) {
        if (k < 0 || k >= count) {
            throw new IndexOutOfBoundsException("step " + k + " of a plan of " + count);
        }
        Listed message = listing.get(steps[k] >>> ACTION_BITS);
        Action action = ACTIONS[steps[k] & (1 << ACTION_BITS) - 1];
        return new Step(message, action, action == Action.FETCH ? null : prefix + message.part());
    }

    @Override
    public int size() {
        return count;
    }
}
