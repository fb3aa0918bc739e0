package io.github.pop3lite.docs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles a Java snippet of the docs in memory, against the test classpath, and loads it. */
final class SnippetCompiler {

    /** What a snippet may use without importing it. */
    static final String IMPORTS = """
            import java.io.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import io.github.pop3lite.client.*;
            import io.github.pop3lite.component.*;
            import org.apache.camel.*;
            import org.apache.camel.builder.*;
            import org.apache.camel.support.jsse.*;
            import org.apache.camel.support.processor.idempotent.*;
            """;

    private static final Pattern TYPE_NAME = Pattern.compile("(?m)^(?:public |final |abstract )*(?:class|record|interface|enum) (\\w+)");

    private SnippetCompiler() {
    }

    /**
     * Compiles the snippet and returns its class: a route snippet becomes a RouteBuilder, statements
     * become {@code Snippet.run(CamelContext context, String password, OutputStream out)}, a
     * compilation unit stays as written (in the default package).
     */
    static Class<?> compile(DocSnippet snippet) throws Exception {
        String name;
        String source;
        if (snippet.isCompilationUnit()) {
            Matcher m = TYPE_NAME.matcher(snippet.code());
            if (!m.find()) {
                throw new AssertionError(snippet + ": no class, record, interface or enum declared");
            }
            name = m.group(1);
            source = snippet.code();
        } else if (snippet.isRoute()) {
            name = "SnippetRoute";
            source = IMPORTS + "public class SnippetRoute extends RouteBuilder {\n"
                     + "    @Override public void configure() throws Exception {\n" + snippet.code() + "\n    }\n}\n";
        } else {
            return compileStatements(snippet, "");
        }
        return compile(snippet, name, source);
    }

    /**
     * Compiles the snippet as the statements of {@code Snippet.run(CamelContext context, String
     * password, OutputStream out)}, with the common imports and {@code imports} (import lines).
     */
    static Class<?> compileStatements(DocSnippet snippet, String imports) throws Exception {
        String source = IMPORTS + imports + "public class Snippet {\n"
                        + "    public static void run(CamelContext context, String password, OutputStream out) throws Exception {\n"
                        + snippet.code() + "\n    }\n}\n";
        return compile(snippet, "Snippet", source);
    }

    private static Class<?> compile(DocSnippet snippet, String name, String source) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        try (StandardJavaFileManager standard = compiler.getStandardFileManager(diagnostics, null, null)) {
            ForwardingJavaFileManager<StandardJavaFileManager> files = new ForwardingJavaFileManager<>(standard) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                    return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                        @Override
                        public OutputStream openOutputStream() {
                            return classes.computeIfAbsent(className, k -> new ByteArrayOutputStream());
                        }
                    };
                }
            };
            JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            boolean ok = compiler.getTask(null, files, diagnostics,
                    List.of("-classpath", classpath, "-proc:none", "-Xlint:none"),
                    null, List.of(unit)).call();
            if (!ok) {
                StringBuilder errors = new StringBuilder(snippet + " does not compile:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    errors.append("  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n');
                }
                throw new AssertionError(errors + "--- as compiled:\n" + source);
            }
        }
        ClassLoader loader = new ClassLoader(SnippetCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String className) throws ClassNotFoundException {
                ByteArrayOutputStream bytes = classes.get(className);
                if (bytes == null) {
                    throw new ClassNotFoundException(className);
                }
                return defineClass(className, bytes.toByteArray(), 0, bytes.size());
            }
        };
        return loader.loadClass(name);
    }
}
