package io.github.pop3lite.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link ClientMain} in its own JVM, with its own -Xmx; stderr goes to a log file. */
final class ChildJvm implements AutoCloseable {

    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;
    /** Lines the JVM itself printed on stdout, such as "Terminating due to java.lang.OutOfMemoryError". */
    private final List<String> strayOutput = java.util.Collections.synchronizedList(new ArrayList<>());

    ChildJvm(String heap, List<String> jvmArgs, Path log, Path tmpDir, List<String> args) throws IOException {
        this.log = log;
        Files.createDirectories(log.getParent());
        Files.createDirectories(tmpDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        // the whole heap from the start: a heap that G1 shrinks after the System.gc() before each run, and grows
        // again during it, would time its own resizing
        command.add("-Xms" + heap);
        // an OutOfMemoryError ends the JVM, so the harness sees it at once instead of a consumer that logs and retries
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Djava.io.tmpdir=" + tmpDir);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ClientMain.class.getName());
        command.addAll(args);
        process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(ClientMain.PREFIX)) {
                        lines.add(line.substring(ClientMain.PREFIX.length()));
                    } else if (strayOutput.size() < 50) {
                        strayOutput.add(line);
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
            lines.add(EOF);
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /**
     * The next protocol line, which must start with {@code expected}; its remainder is returned.
     *
     * @throws ChildFailure on an ERROR line, an exit of the JVM, another reply, or the timeout
     */
    String await(String expected, long timeoutMillis) throws ChildFailure, InterruptedException {
        String line = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new ChildFailure("no " + expected + " within " + timeoutMillis / 1000 + " s" + logTail());
        }
        if (EOF.equals(line)) {
            String exit = "";
            int code = -1;
            try {
                if (process.waitFor(10, TimeUnit.SECONDS)) {
                    code = process.exitValue();
                    exit = " with code " + code;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String tail = logTail();
            String stray = String.join(" ", strayOutput);
            // -XX:+ExitOnOutOfMemoryError prints "Terminating due to java.lang.OutOfMemoryError" and exits with 3
            boolean oom = tail.contains("OutOfMemoryError") || stray.contains("OutOfMemoryError");
            if (!stray.isBlank()) {
                tail = "\n      (stdout:) " + stray + tail;
            }
            throw new ChildFailure((oom ? "OutOfMemoryError: " : "") + "client JVM exited" + exit + " waiting for "
                                   + expected + tail, oom);
        }
        if (line.startsWith("ERROR")) {
            throw new ChildFailure(line.substring(5).trim() + logTail());
        }
        if (!line.startsWith(expected)) {
            throw new ChildFailure("expected " + expected + ", got " + line);
        }
        return line.substring(expected.length()).trim();
    }

    private String logTail() {
        try {
            List<String> all = Files.readAllLines(log);
            List<String> tail = all.subList(Math.max(0, all.size() - 8), all.size());
            return tail.isEmpty() ? "" : "\n      (" + log + ", last lines:)\n      " + String.join("\n      ", tail);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                send("EXIT");
                if (process.waitFor(15, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // fall through to kill
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A client run that did not complete. */
    static final class ChildFailure extends Exception {
        final boolean outOfMemory;

        ChildFailure(String message) {
            this(message, false);
        }

        ChildFailure(String message, boolean outOfMemory) {
            super(message);
            this.outOfMemory = outOfMemory;
        }
    }
}
