package io.github.pop3lite.example;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnector;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An Apache ActiveMQ Artemis broker in this JVM: reachable only in-VM ({@value #URL}), nothing persisted, no
 * security. Queues are created when first used.
 */
final class EmbeddedBroker implements AutoCloseable {

    static final String URL = "vm://0";

    private final EmbeddedActiveMQ server;
    private final Path instance;

    private EmbeddedBroker(EmbeddedActiveMQ server, Path instance) {
        this.server = server;
        this.instance = instance;
    }

    static EmbeddedBroker start() throws Exception {
        // Artemis resolves its data directories against the broker instance; with persistence off it writes
        // little or nothing, but whatever it writes goes to a temporary directory, not the working directory
        Path instance = Files.createTempDirectory("pop3lite-example-artemis");
        // when Ctrl+C ends the JVM before close() (the directory stays empty without persistence)
        instance.toFile().deleteOnExit();
        Configuration config = new ConfigurationImpl()
                .setName("pop3lite-example")
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false);
        config.setBrokerInstance(instance.toFile());
        config.addAcceptorConfiguration("in-vm", URL);
        // as in the broker.xml of a new Artemis instance: messages the broker cannot deliver or that expire go
        // to these addresses (this is the broker's own redelivery limit, not the example's dead-letter queue)
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        try {
            server.start();
        } catch (Exception e) {
            delete(instance);
            throw e;
        }
        return new EmbeddedBroker(server, instance);
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
            // the in-VM connections' thread pool is static and keeps its (non-daemon) threads for a minute after
            // the broker stopped: end them, so that the JVM (or exec:java, which waits for them) can end now
            InVMConnector.resetThreadPool();
        } finally {
            delete(instance);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the embedded broker's directory " + directory, e);
        }
    }
}
