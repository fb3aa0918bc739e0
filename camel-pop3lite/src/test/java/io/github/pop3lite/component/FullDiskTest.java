package io.github.pop3lite.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A spool directory on a real file system that fills up: a tmpfs of 256 KiB mounted under target/ (needs root,
 * as CI runs; elsewhere the test is skipped with a banner, and under CI=true a failed mount fails it). The large
 * message meets ENOSPC; only it fails, in delete and keep mode, and nothing is left behind.
 */
class FullDiskTest extends GreenMailTestSupport {

    private Path mountPoint;
    private boolean mounted;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        mountPoint = Path.of("target", "full-disk-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(mountPoint);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!mounted && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI runs as root and must be able to mount a tmpfs: " + output);
        }
        camel.getStreamCachingStrategy().setSpoolDirectory(mountPoint.resolve("spool").toFile());
        return camel;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "delete={0}")
    @ValueSource(booleans = { true, false })
    void aFullDiskFailsTheLargeMessageOnly(boolean delete) throws Exception {
        assumeTrue(mounted, "SKIPPED: mounting a tmpfs needs root (CI has it); no real full disk here");
        deliverSubjects("small-1");
        deliver(Pop3LiteMessageTest.largeMail(1024 * 1024));
        deliverSubjects("small-2");
        try (LogCapture logs = new LogCapture()) {
            routeToMock(uri("delete=" + delete));
            awaitRouted(2);
            polls.awaitPolls(2);

            assertEquals(List.of("small-1", "small-2"), routedSubjects());
            assertFalse(polls.get(0).failed(), "the poll goes on and ends with QUIT: " + polls.get(0).failure());
            List<String> warnings = logs.at(Level.WARN, "cannot be made into an Exchange").stream()
                    .map(e -> e.getMessage().getFormattedMessage()).toList();
            assertFalse(warnings.isEmpty(), logs.fullText());
            assertTrue(warnings.get(0).startsWith("Message 2 (uid "), warnings.get(0));
            assertTrue(warnings.get(0).contains("No space left on device"), warnings.get(0));
            Leftovers.assertNoneLeftAfterStop(context, "pop3", spoolDirectory());
            assertEquals(delete ? List.of("large") : List.of("small-1", "large", "small-2"), subjectsOnServer());
        }
    }
}
