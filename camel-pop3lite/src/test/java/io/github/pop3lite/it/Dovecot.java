package io.github.pop3lite.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Assumptions;

/**
 * A private Dovecot on loopback, started by scripts/dovecot.sh for one test class. Tests deliver
 * mail by writing files into the users' maildirs, as a local delivery agent would.
 *
 * <p>When Dovecot cannot be started here (not installed, not root) the tests are skipped with a
 * banner on stderr; with {@code -Dpop3lite.dovecot=required} they fail instead.
 */
final class Dovecot implements AutoCloseable {

    private static final AtomicInteger FILE_COUNTER = new AtomicInteger();

    final Path dir;
    final Properties props = new Properties();

    private Dovecot(Path dir) {
        this.dir = dir;
    }

    static Dovecot start() throws Exception {
        return start(null);
    }

    /**
     * @param introspectionUrl where Dovecot's oauth2 passdb POSTs XOAUTH2 and OAUTHBEARER tokens (RFC 7662),
     *                         or {@code null} for no token logins
     */
    static Dovecot start(String introspectionUrl) throws Exception {
        boolean required = "required".equals(System.getProperty("pop3lite.dovecot"));
        String missing = null;
        if (!Files.isExecutable(Path.of("/usr/sbin/dovecot"))) {
            missing = "/usr/sbin/dovecot is not installed (run: sudo scripts/dovecot.sh install)";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            missing = "the tests run as '" + System.getProperty("user.name") + "', and starting Dovecot needs root";
        }
        if (missing != null) {
            if (required) {
                throw new IllegalStateException("Dovecot integration tests are required but cannot run: " + missing);
            }
            System.err.println("\n*** SKIPPED: Dovecot integration tests: " + missing + " ***\n");
            Assumptions.abort("Dovecot not available: " + missing);
        }
        Path dir = Path.of("target", "dovecot").toAbsolutePath();
        Dovecot dovecot = new Dovecot(dir);
        if (introspectionUrl == null) {
            dovecot.script("start");
        } else {
            dovecot.script("start", introspectionUrl);
        }
        try (Reader in = Files.newBufferedReader(dir.resolve("dovecot.properties"))) {
            dovecot.props.load(in);
        }
        return dovecot;
    }

    private void script(String command, String... more) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("pop3lite.scripts", "../scripts"), "dovecot.sh");
        List<String> args = new ArrayList<>(List.of("bash", script.toString(), command, dir.toString()));
        args.addAll(List.of(more));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("scripts/dovecot.sh " + command + " failed:\n" + output);
        }
    }

    String host() {
        return props.getProperty("host");
    }

    int pop3Port() {
        return Integer.parseInt(props.getProperty("pop3.port"));
    }

    int pop3sPort() {
        return Integer.parseInt(props.getProperty("pop3s.port"));
    }

    String password(String user) {
        return props.getProperty("password." + user);
    }

    Path cert() {
        return Path.of(props.getProperty("cert"));
    }

    /** A trust store that holds only the server's self-signed certificate. */
    KeyStore trustStore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert())) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            store.setCertificateEntry("dovecot", cert);
        }
        return store;
    }

    SSLContext sslContext() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Writes the trust store to a file, for Camel's SSLContextParameters. */
    Path trustStoreFile(char[] password) throws Exception {
        Path file = dir.resolve("truststore.p12");
        try (var out = Files.newOutputStream(file)) {
            trustStore().store(out, password);
        }
        return file;
    }

    /** Delivers one message, byte for byte, into the user's maildrop. */
    void deliver(String user, byte[] message) throws IOException {
        Path newDir = Path.of(props.getProperty("maildir." + user), "new");
        String name = System.currentTimeMillis() + ".M" + FILE_COUNTER.incrementAndGet() + ".pop3lite-it";
        Path tmp = newDir.resolveSibling("tmp").resolve(name);
        Files.createDirectories(tmp.getParent());
        Files.write(tmp, message);
        // Dovecot reads the file as its unprivileged mail user
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, newDir.resolve(name));
    }

    /** Empties the user's maildrop; call it while no session is open. */
    void clear(String user) throws IOException {
        Path maildir = Path.of(props.getProperty("maildir." + user));
        for (String sub : new String[] { "new", "cur" }) {
            try (Stream<Path> files = Files.list(maildir.resolve(sub))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        }
        try (Stream<Path> files = Files.list(maildir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("dovecot")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Dovecot's log so far (logins, auth failures). */
    String log() throws IOException {
        return Files.readString(Path.of(props.getProperty("log")));
    }

    /** Number of messages in the user's maildir, as files. */
    long filesInMaildrop(String user) throws IOException {
        Path maildir = Path.of(props.getProperty("maildir." + user));
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
        script("stop");
    }
}
