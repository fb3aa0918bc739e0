package io.github.pop3lite.client;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The words of a LIST, UIDL or STAT line, split without a regex exactly as the regex split them. */
class ListingWordsTest {

    private static final Pattern SPACES = Pattern.compile(" +");

    @Test
    void typicalLines() {
        assertArrayEquals(new String[] { "1", "2048" }, Pop3Client.words("1 2048", 2));
        assertArrayEquals(new String[] { "12", "uid-a" }, Pop3Client.words("  12    uid-a ", 2));
        assertArrayEquals(new String[] { "1", "2048", "extra  words" }, Pop3Client.words("1 2048 extra  words", 2));
        assertArrayEquals(new String[] { "7" }, Pop3Client.words("7", 2));
        assertArrayEquals(new String[] { "" }, Pop3Client.words(" \t ", 2));
        assertArrayEquals(new String[] { "1\t2" }, Pop3Client.words("1\t2", 2), "only spaces separate");
    }

    @Property(tries = 2000)
    void asThePatternSplitsThem(@ForAll("lines") String line, @ForAll @IntRange(min = 1, max = 3) int count) {
        assertArrayEquals(SPACES.split(line.trim(), count + 1), Pop3Client.words(line, count), "'" + line + "'");
    }

    @Provide
    Arbitrary<String> lines() {
        return Arbitraries.strings().withChars(' ', ' ', ' ', '\t', 'a', '1', '\u0001').ofMaxLength(12);
    }
}
