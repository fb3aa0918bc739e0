package io.github.pop3lite.cluster.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@link ClusterNode} JVM started by a test: its routed-messages record and its output file. */
final class NodeProcess implements AutoCloseable {

    /** One line of a node's record. */
    record Routed(String subject, String mailbox, String node, long at) {
    }

    final String id;
    final Path log;
    final Path output;
    private final Process process;

    private NodeProcess(String id, Path log, Path output, Process process) {
        this.id = id;
        this.log = log;
        this.output = output;
        this.process = process;
    }

    static NodeProcess start(String id, Path dir, Map<String, String> properties) throws IOException {
        Files.createDirectories(dir);
        // a node id is used once per run of a test: what an earlier build left there would be counted
        Files.deleteIfExists(dir.resolve(id + ".leads"));
        Files.deleteIfExists(dir.resolve(id + ".routed"));
        Files.deleteIfExists(dir.resolve(id + ".out"));
        Path log = dir.resolve(id + ".routed");
        Path output = dir.resolve(id + ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dnode.id=" + id);
        command.add("-Dnode.log=" + log);
        command.add("-Dnode.leads=" + dir.resolve(id + ".leads"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(ClusterNode.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        return new NodeProcess(id, log, output, process);
    }

    List<Routed> routed() throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Routed> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            String[] f = line.split("\t");
            if (f.length == 4) {
                lines.add(new Routed(f[0], f[1], f[2], Long.parseLong(f[3])));
            }
        }
        return lines;
    }

    /** When this node became the leader of the namespace, by its "LEADERSHIP ns millis" lines. */
    List<Long> leaderships(String namespace) throws IOException {
        if (!Files.exists(output)) {
            return List.of();
        }
        return Files.readAllLines(output, StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("LEADERSHIP " + namespace + " "))
                .map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).toList();
    }

    /** The mailboxes this node leads, as it last wrote them (node.leads). */
    List<String> leads() throws IOException {
        Path file = log.resolveSibling(id + ".leads");
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.US_ASCII) : List.of();
    }

    boolean started() throws IOException {
        return Files.exists(output) && Files.readString(output, StandardCharsets.UTF_8).contains("NODE " + id + " STARTED");
    }

    boolean alive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no QUIT, no release of the ZooKeeper session. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the node stops its CamelContext gracefully; returns the exit code (143, the JVM's for SIGTERM). */
    int stopGracefully() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("node " + id + " did not stop within 90 s of SIGTERM; see " + output);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
