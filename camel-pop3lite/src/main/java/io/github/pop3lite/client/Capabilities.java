package io.github.pop3lite.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the server said it can do in its CAPA reply (RFC 2449). */
public final class Capabilities {

    /** A server that does not answer CAPA: nothing is known. */
    public static final Capabilities UNKNOWN = new Capabilities(Map.of(), false);

    private final Map<String, List<String>> entries;
    private final boolean known;

    private Capabilities(Map<String, List<String>> entries, boolean known) {
        this.entries = entries;
        this.known = known;
    }

    /** Builds the set from the lines of a CAPA reply, one capability and its arguments a line. */
    static Capabilities parse(List<String> lines) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (!words[0].isEmpty()) {
                entries.put(words[0].toUpperCase(Locale.ROOT), List.of(words).subList(1, words.length));
            }
        }
        return new Capabilities(Collections.unmodifiableMap(entries), true);
    }

    /** Whether the server answered CAPA at all. */
    public boolean isKnown() {
        return known;
    }

    /** Whether the server listed the capability, by name, ignoring case. */
    public boolean has(String name) {
        return entries.containsKey(name.toUpperCase(Locale.ROOT));
    }

    /** The arguments of a capability, empty when it has none or was not listed. */
    public List<String> arguments(String name) {
        return entries.getOrDefault(name.toUpperCase(Locale.ROOT), List.of());
    }

    public boolean pipelining() {
        return has("PIPELINING");
    }

    public Map<String, List<String>> asMap() {
        return entries;
    }

    @Override
    public String toString() {
        return known ? entries.keySet().toString() : "(server does not answer CAPA)";
    }
}
