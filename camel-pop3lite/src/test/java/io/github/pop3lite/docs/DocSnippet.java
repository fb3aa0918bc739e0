package io.github.pop3lite.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fenced code block of README.md or docs/*.md. The info string after the fence is the language
 * and, optionally, {@code compile-only} or {@code cluster}: see docs/README.md, "Snippets that run".
 */
record DocSnippet(Path page, int line, String language, boolean compileOnly, boolean cluster, String code) {

    static final Path ROOT = Path.of("..");

    /** Every fenced block of README.md and the pages in docs/, in page order. */
    static List<DocSnippet> all() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<DocSnippet> snippets = new ArrayList<>();
        for (Path page : pages) {
            snippets.addAll(in(page));
        }
        return snippets;
    }

    static List<DocSnippet> in(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page);
        List<DocSnippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.startsWith("```")) {
                continue;
            }
            List<String> info = Arrays.asList(fence.substring(3).strip().split("\\s+"));
            StringBuilder code = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            snippets.add(new DocSnippet(page, start, info.get(0), info.contains("compile-only"),
                    info.contains("cluster"), code.toString()));
        }
        return snippets;
    }

    /** A route snippet: the statements of a RouteBuilder's configure(). */
    boolean isRoute() {
        return code.contains("from(");
    }

    /** A snippet that declares its own type, compiled as a source file of its own. */
    boolean isCompilationUnit() {
        return code.lines().anyMatch(l -> l.matches("(public |final |abstract )*(class|record|interface|enum) \\w+.*")
                                        || l.startsWith("import "));
    }

    @Override
    public String toString() {
        return ROOT.relativize(page).toString().replace('\\', '/') + ":" + line + " (" + language
               + (compileOnly ? " compile-only" : "") + (cluster ? " cluster" : "") + ")";
    }
}
