package io.github.pop3lite.docs;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** docs/reference.md must list every option and header of the component's catalog, with its default. */
class DocsReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "reference.md");

    private static JsonObject catalog() throws Exception {
        try (InputStream in = DocsReferenceTest.class.getResourceAsStream(
                "/META-INF/io/github/pop3lite/component/pop3lite.json")) {
            assertNotNull(in, "the build generates the component catalog");
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyOptionAndHeaderOfTheCatalogIsDocumentedWithItsDefault() throws Exception {
        JsonObject catalog = catalog();
        List<String> lines = Files.readAllLines(REFERENCE);
        List<String> problems = new ArrayList<>();
        for (String section : new String[] { "componentProperties", "properties", "headers" }) {
            for (Map.Entry<String, Object> option : ((JsonObject) catalog.get(section)).entrySet()) {
                JsonObject meta = (JsonObject) option.getValue();
                String row = lines.stream().filter(l -> l.startsWith("| `" + option.getKey() + "` |")).findFirst().orElse(null);
                if (row == null) {
                    problems.add(section + " " + option.getKey() + " is not in docs/reference.md");
                    continue;
                }
                Object defaultValue = meta.get("defaultValue");
                if (defaultValue != null && !row.contains("| " + defaultValue.toString() + " |")) {
                    problems.add(option.getKey() + " has default " + defaultValue + " in the catalog but not in docs/reference.md");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void optionsThatTakeDurationTextAreTheCatalogsDurations() throws Exception {
        JsonObject catalog = catalog();
        List<String> lines = Files.readAllLines(REFERENCE);
        List<String> problems = new ArrayList<>();
        for (String section : new String[] { "componentProperties", "properties" }) {
            for (Map.Entry<String, Object> option : ((JsonObject) catalog.get(section)).entrySet()) {
                boolean duration = "duration".equals(((JsonObject) option.getValue()).get("type"));
                lines.stream().filter(l -> l.startsWith("| `" + option.getKey() + "` |")).forEach(row -> {
                    if (duration != row.contains("| duration (ms) |")) {
                        problems.add(option.getKey() + (duration ? " takes" : " does not take") + " duration text: " + row);
                    }
                });
            }
        }
        assertEquals(List.of(), problems);
    }
}
