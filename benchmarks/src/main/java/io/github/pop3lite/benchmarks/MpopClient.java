package io.github.pop3lite.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * mpop (Debian package {@code mpop}), a POP3 client written in C, as a native anchor: one process per drain, with
 * {@code --pipelining=auto} (pipeline only when the server announces PIPELINING) or {@code on} (always), delivering
 * to a maildir under the work folder, deleting what it fetched ({@code --keep=off}) and fetching every message
 * ({@code --only-new=off}, its UIDL file removed before each drain). No JVM is involved, so it has no warm-up.
 */
final class MpopClient {

    static final Path BINARY = Path.of("/usr/bin/mpop");

    /** What one drain delivered. */
    record Result(int messages, long octets) {
    }

    private final Path dir;
    private final Path maildir;
    private final Path log;
    private final List<String> command;

    MpopClient(Path dir, String host, int port, String user, String password, String pipelining) throws IOException {
        this.dir = dir;
        this.maildir = dir.resolve("maildir");
        this.log = dir.resolve("mpop.log");
        for (String sub : new String[] { "new", "cur", "tmp" }) {
            Files.createDirectories(maildir.resolve(sub));
        }
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password);
        this.command = List.of(BINARY.toString(), "--host=" + host, "--port=" + port, "--auth=user",
                "--user=" + user, "--passwordeval=cat " + passwordFile, "--tls=off", "--keep=off", "--only-new=off",
                "--received-header=off", "--pipelining=" + pipelining, "--uidls-file=" + dir.resolve("uidls"),
                "--delivery=maildir," + maildir, "--quiet");
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Empties the maildir and the UIDL file; outside the timed drain. */
    void prepare() throws IOException {
        Files.deleteIfExists(dir.resolve("uidls"));
        for (String sub : new String[] { "new", "cur", "tmp" }) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
        }
    }

    /** One drain, until the process exits. */
    Result drain(long timeoutMillis) throws IOException, InterruptedException, ChildJvm.ChildFailure {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new ChildJvm.ChildFailure("mpop did not finish within " + timeoutMillis / 1000 + " s");
        }
        if (process.exitValue() != 0) {
            throw new ChildJvm.ChildFailure("mpop exited with " + process.exitValue() + "; see " + log);
        }
        int messages = 0;
        long octets = 0;
        for (String sub : new String[] { "new", "cur" }) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    messages++;
                    octets += Files.size(f);
                }
            }
        }
        return new Result(messages, octets);
    }
}
