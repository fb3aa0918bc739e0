package io.github.pop3lite.cluster.it;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * The real servers of the cluster tests, each started on loopback by the project's script
 * (scripts/dovecot.sh, zookeeper.sh, postgresql.sh) with its state under target/. Without root
 * or a package the tests are skipped with a banner; with {@code -Dpop3lite.dovecot=required}
 * they fail instead.
 */
final class ClusterServers implements AutoCloseable {

    /** One server started by its script, and the properties file the script wrote. */
    record Server(String script, Path dir, Properties props) {
        String get(String key) {
            String value = props.getProperty(key);
            if (value == null) {
                throw new IllegalStateException(script + " wrote no " + key + " in " + dir);
            }
            return value;
        }
    }

    private final List<Server> started = new ArrayList<>();
    Server dovecot;
    Server zookeeper;
    Server postgresql;

    /** Starts Dovecot with the users given (sessions shared or locked), ZooKeeper and PostgreSQL. */
    static ClusterServers start(String name, List<String> users, boolean lockSession) throws Exception {
        boolean required = "required".equals(System.getProperty("pop3lite.dovecot"));
        String missing = null;
        if (!Files.isExecutable(Path.of("/usr/sbin/dovecot"))) {
            missing = "/usr/sbin/dovecot is not installed (run: sudo scripts/dovecot.sh install)";
        } else if (!Files.exists(Path.of("/usr/share/java/zookeeper.jar"))) {
            missing = "ZooKeeper is not installed (run: sudo scripts/zookeeper.sh install)";
        } else if (!Files.isDirectory(Path.of("/usr/lib/postgresql"))) {
            missing = "PostgreSQL is not installed (run: sudo scripts/postgresql.sh install)";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            missing = "the tests run as '" + System.getProperty("user.name") + "', and starting Dovecot needs root";
        }
        if (missing != null) {
            if (required) {
                throw new IllegalStateException("Cluster integration tests are required but cannot run: " + missing);
            }
            System.err.println("\n*** SKIPPED: cluster integration tests: " + missing + " ***\n");
            Assumptions.abort("servers not available: " + missing);
        }
        Path base = Path.of("target", "cluster-it", name).toAbsolutePath();
        ClusterServers servers = new ClusterServers();
        try {
            servers.dovecot = servers.start("dovecot.sh", base.resolve("dovecot"),
                    Map.of("POP3LITE_DOVECOT_USERS", String.join(" ", users),
                            "POP3LITE_DOVECOT_LOCK_SESSION", lockSession ? "yes" : "no"));
            servers.zookeeper = servers.start("zookeeper.sh", base.resolve("zookeeper"), Map.of());
            servers.postgresql = servers.start("postgresql.sh", base.resolve("postgresql"), Map.of());
            return servers;
        } catch (Exception e) {
            servers.close();
            throw e;
        }
    }

    private Server start(String script, Path dir, Map<String, String> env) throws Exception {
        Files.createDirectories(dir);
        run(script, "start", dir, env);
        Properties props = new Properties();
        String file = script.replace(".sh", ".properties");
        try (Reader in = Files.newBufferedReader(dir.resolve(file))) {
            props.load(in);
        }
        Server server = new Server(script, dir, props);
        started.add(server);
        return server;
    }

    private static void run(String script, String command, Path dir, Map<String, String> env)
            throws IOException, InterruptedException {
        Path path = Path.of(System.getProperty("pop3lite.scripts", "../scripts"), script);
        ProcessBuilder builder = new ProcessBuilder("bash", path.toString(), command, dir.toString()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("scripts/" + script + " " + command + " failed:\n" + output);
        }
    }

    /** Delivers messages whose Subject is each of the subjects given, straight into the user's maildir. */
    void deliver(String user, List<String> subjects) throws IOException {
        Path maildir = Path.of(dovecot.get("maildir." + user));
        for (String subject : subjects) {
            String name = subject + "." + System.nanoTime() + ".cluster-it";
            Path tmp = maildir.resolve("tmp").resolve(name);
            Files.writeString(tmp, "Subject: " + subject + "\r\nFrom: a@example.org\r\n\r\nbody of " + subject + "\r\n",
                    StandardCharsets.US_ASCII);
            // Dovecot reads the file as its unprivileged mail user
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, maildir.resolve("new").resolve(name));
        }
    }

    /** Messages in the user's maildir, as files (Dovecot expunges a message by removing its file). */
    long filesInMaildrop(String user) throws IOException {
        Path maildir = Path.of(dovecot.get("maildir." + user));
        long count = 0;
        for (String sub : new String[] { "new", "cur" }) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                count += files.count();
            }
        }
        return count;
    }

    @Override
    public void close() throws Exception {
        for (Server server : started) {
            run(server.script(), "stop", server.dir(), Map.of());
        }
        started.clear();
    }
}
