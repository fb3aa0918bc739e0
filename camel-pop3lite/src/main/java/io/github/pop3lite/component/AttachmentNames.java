package io.github.pop3lite.component;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Names the attachments of one mail: the sender's decoded file name, stripped of any directory and of
 * control characters, or {@code attachment-<n>.<ext>} when there is none; a name seen before in the
 * same mail is changed as camel-mail's {@code handleDuplicateAttachmentNames} does.
 */
final class AttachmentNames {

    /** What to do with a name already taken, as camel-mail's option values say. */
    enum Duplicates {
        /** The later attachment of that name is left out (it is still in the raw message). */
        NEVER,
        /** {@code <uuid>_name.ext} */
        UUID_PREFIX,
        /** {@code name_<uuid>.ext} */
        UUID_SUFFIX;

        static Duplicates of(String option) {
            return switch (option == null ? "" : option.trim()) {
                case "never" -> NEVER;
                case "uuidPrefix" -> UUID_PREFIX;
                case "uuidSuffix" -> UUID_SUFFIX;
                default -> throw new IllegalArgumentException("pop3lite: unknown handleDuplicateAttachmentNames '" + option
                                                              + "': use never, uuidPrefix or uuidSuffix");
            };
        }
    }

    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("application/pdf", ".pdf"), Map.entry("image/png", ".png"), Map.entry("image/jpeg", ".jpg"),
            Map.entry("image/gif", ".gif"), Map.entry("image/webp", ".webp"), Map.entry("image/svg+xml", ".svg"),
            Map.entry("text/plain", ".txt"), Map.entry("text/html", ".html"), Map.entry("text/csv", ".csv"),
            Map.entry("text/calendar", ".ics"), Map.entry("message/rfc822", ".eml"), Map.entry("application/zip", ".zip"),
            Map.entry("application/xml", ".xml"), Map.entry("text/xml", ".xml"), Map.entry("application/json", ".json"));

    private final Duplicates duplicates;
    private final Set<String> taken = new HashSet<>();

    AttachmentNames(Duplicates duplicates) {
        this.duplicates = duplicates;
    }

    /**
     * The name of the {@code index}-th attachment (from 1), or {@code null} when it duplicates an earlier one
     * and duplicates are left out.
     */
    String name(String fileName, String mimeType, int index) {
        String name = sanitized(fileName);
        if (name == null) {
            name = "attachment-" + index + EXTENSIONS.getOrDefault(mimeType, ".bin");
        }
        if (taken.add(name.toLowerCase(Locale.ROOT))) {
            return name;
        }
        String unique = switch (duplicates) {
            case NEVER -> null;
            case UUID_PREFIX -> UUID.randomUUID() + "_" + name;
            case UUID_SUFFIX -> {
                int dot = name.lastIndexOf('.');
                yield dot > 0 ? name.substring(0, dot) + "_" + UUID.randomUUID() + name.substring(dot)
                        : name + "_" + UUID.randomUUID();
            }
        };
        if (unique != null) {
            taken.add(unique.toLowerCase(Locale.ROOT));
        }
        return unique;
    }

    /**
     * The last path segment without control characters: a sender's "../../etc/passwd" or "C:\x\y.exe" must not
     * lead a route that writes attachments to files out of its directory.
     */
    static String sanitized(String fileName) {
        if (fileName == null) {
            return null;
        }
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        StringBuilder clean = new StringBuilder(name.length());
        name.codePoints().filter(c -> !Character.isISOControl(c)).forEach(clean::appendCodePoint);
        String result = clean.toString().trim();
        return result.isEmpty() || result.equals(".") || result.equals("..") ? null : result;
    }
}
