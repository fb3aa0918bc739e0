package io.github.pop3lite.springboot;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The starter's Spring configuration metadata (what IDEs read to complete and flag
 * {@code camel.component.pop3lite.*} in application.properties) lists every option of the
 * component catalog, with the catalog's default. A component option added without its starter
 * property fails here.
 */
class Pop3LiteStarterMetadataTest {

    private static JsonObject json(String resource) throws Exception {
        try (InputStream in = Pop3LiteStarterMetadataTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static String kebab(String option) {
        return option.replaceAll("([A-Z])", "-$1").toLowerCase();
    }

    @Test
    void everyComponentOptionIsAPropertyWithTheCatalogDefault() throws Exception {
        JsonObject catalog = (JsonObject) json("/META-INF/io/github/pop3lite/component/pop3lite.json").get("componentProperties");
        Map<String, JsonObject> metadata = new LinkedHashMap<>();
        for (Object p : (JsonArray) json("/META-INF/spring-configuration-metadata.json").get("properties")) {
            JsonObject property = (JsonObject) p;
            metadata.put(property.getString("name"), property);
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> option : catalog.entrySet()) {
            String name = "camel.component.pop3lite." + kebab(option.getKey());
            JsonObject property = metadata.get(name);
            if (property == null) {
                problems.add(name + " is missing: add the option to Pop3LiteComponentConfiguration");
                continue;
            }
            Object expected = ((JsonObject) option.getValue()).get("defaultValue");
            Object actual = property.get("defaultValue");
            if (!Objects.equals(expected == null ? null : expected.toString(), actual == null ? null : actual.toString())) {
                problems.add(name + " has default " + actual + ", the catalog says " + expected);
            }
            if (property.getString("description") == null || property.getString("description").isBlank()) {
                problems.add(name + " has no description");
            }
        }
        for (String name : metadata.keySet()) {
            String option = name.substring("camel.component.pop3lite.".length());
            boolean known = catalog.keySet().stream().anyMatch(o -> kebab(o).equals(option))
                            || option.equals("enabled") || option.equals("customizer.enabled");
            if (!known) {
                problems.add(name + " is not an option of the component");
            }
        }
        assertEquals(List.of(), problems);
    }
}
