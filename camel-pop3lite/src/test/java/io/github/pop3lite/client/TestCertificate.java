package io.github.pop3lite.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made by the JDK's keytool (the JDK has no public API to make one),
 * once per JVM and set of names, in a fresh folder under {@code target/}.
 */
final class TestCertificate {

    /** Names a client connecting to 127.0.0.1, ::1 or localhost checks successfully. */
    static final String LOCAL_NAMES = "dns:localhost,ip:127.0.0.1,ip:::1";

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Map<String, TestCertificate> MADE = new ConcurrentHashMap<>();
    private static Path folder;

    private final KeyStore keyStore;

    private TestCertificate(KeyStore keyStore) {
        this.keyStore = keyStore;
    }

    /** @param subjectAltNames keytool's SAN syntax, for example {@code dns:mail.example.org} */
    static TestCertificate forNames(String subjectAltNames) {
        return MADE.computeIfAbsent(subjectAltNames, TestCertificate::generate);
    }

    /** For the server side of a scripted connection. */
    SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For a client that trusts this certificate and nothing else. */
    SSLContext clientContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path folder() throws IOException {
        if (folder == null) {
            Path target = Files.createDirectories(Path.of("target"));
            folder = Files.createTempDirectory(target, "test-certificates-");
        }
        return folder;
    }

    private static TestCertificate generate(String subjectAltNames) {
        try {
            Path file = folder().resolve("cert-" + MADE.size() + "-" + System.nanoTime() + ".p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", "pop3",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=pop3lite test", "-ext", "SAN=" + subjectAltNames,
                    "-keystore", file.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + String.join(" ", command) + "\n" + output);
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                keyStore.load(in, PASSWORD);
            }
            return new TestCertificate(keyStore);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate for " + subjectAltNames, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
