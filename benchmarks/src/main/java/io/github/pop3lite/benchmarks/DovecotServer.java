package io.github.pop3lite.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Dovecot on loopback, started and stopped by scripts/dovecot.sh (root only). Mail is delivered the way a
 * local delivery agent does it: message files appear in the user's {@code Maildir/new}. The files are hard links to
 * the generated ones, so reloading even the 200 MiB message costs nothing; Dovecot only renames and unlinks them.
 */
final class DovecotServer implements MailServer {

    private static final String USER = "alice";

    private final Path script;
    private final Path dir;
    private final Properties props = new Properties();
    private final Path maildir;
    private final String version;

    private DovecotServer(Path script, Path dir) throws IOException, InterruptedException {
        this.script = script;
        this.dir = dir;
        run("start");
        try (Reader in = Files.newBufferedReader(dir.resolve("dovecot.properties"))) {
            props.load(in);
        }
        maildir = Path.of(props.getProperty("maildir." + USER));
        version = versionOf();
    }

    /** Whether this machine can run the private Dovecot: root, the binary, and the script. */
    static String unavailableReason(Path script) {
        if (!Files.isExecutable(Path.of("/usr/sbin/dovecot"))) {
            return "/usr/sbin/dovecot is not installed (sudo scripts/dovecot.sh install)";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "starting Dovecot needs root, and this runs as " + System.getProperty("user.name");
        }
        if (script == null || !Files.isRegularFile(script)) {
            return "scripts/dovecot.sh not found (run from the project directory, or pass --dovecot-script)";
        }
        return null;
    }

    static DovecotServer start(Path script, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        return new DovecotServer(script, dir.toAbsolutePath().normalize());
    }

    private void run(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", script.toString(), command, dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("scripts/dovecot.sh " + command + " failed:\n" + output);
        }
    }

    private static String versionOf() {
        try {
            Process p = new ProcessBuilder("/usr/sbin/dovecot", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return "Dovecot " + v;
        } catch (IOException | InterruptedException e) {
            return "Dovecot (version unknown)";
        }
    }

    @Override
    public String description() {
        return version + ", maildir, on 127.0.0.1 (scripts/dovecot.sh)";
    }

    @Override
    public String host() {
        return props.getProperty("host");
    }

    @Override
    public int port() {
        return Integer.parseInt(props.getProperty("pop3.port"));
    }

    @Override
    public int tlsPort() {
        return Integer.parseInt(props.getProperty("pop3s.port"));
    }

    @Override
    public Path certificate() {
        return Path.of(props.getProperty("cert"));
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return props.getProperty("password." + USER);
    }

    @Override
    public void load(MessageFiles messages) throws IOException {
        clear();
        Path newDir = maildir.resolve("new");
        for (Path file : messages.files) {
            Path target = newDir.resolve(file.getFileName().toString());
            try {
                Files.createLink(target, file);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | UnsupportedOperationException e) {
                // another file system: copy (slower, same result)
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Removes every message and Dovecot's index files, so each run starts from the same state. */
    private void clear() throws IOException {
        for (String sub : new String[] { "new", "cur", "tmp" }) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        }
        try (Stream<Path> files = Files.list(maildir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("dovecot") && Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Override
    public boolean isEmpty() throws IOException {
        return isEmptyDir(maildir.resolve("new")) && isEmptyDir(maildir.resolve("cur"));
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    @Override
    public long count() throws IOException {
        long n = 0;
        for (String sub : new String[] { "new", "cur" }) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                n += files.count();
            }
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        run("stop");
    }
}
