package io.github.pop3lite.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The messages of a workload as files, generated once (deterministically, so every client and every run sees the
 * same bytes) and kept for later runs. Each file is a complete RFC 5322 message of exactly the workload's size with
 * CRLF line ends and no line starting with a dot, so the octets a client receives from RETR equal the file's.
 *
 * <p>File names follow the maildir convention with {@code S=} and {@code W=} sizes, as Dovecot's own delivery
 * writes them, so Dovecot does not have to read a message to learn its size.
 */
final class MessageFiles {

    private static final int GENERATOR_VERSION = 1;
    private static final int LINE = 76;
    private static final byte[] CRLF = { '\r', '\n' };
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ,;:-+=/".getBytes(StandardCharsets.US_ASCII);

    final Path dir;
    final List<Path> files;
    /** Octets of all messages. */
    final long totalBytes;
    /** Octets after the header blocks: what a binding that maps only the content (camel-mail) hands the route. */
    final long bodyBytes;

    private MessageFiles(Path dir, List<Path> files, long totalBytes, long bodyBytes) {
        this.dir = dir;
        this.files = files;
        this.totalBytes = totalBytes;
        this.bodyBytes = bodyBytes;
    }

    /** The files for this workload under {@code root}, generated when missing or stale. */
    static MessageFiles prepare(Path root, Workload workload) throws IOException {
        Path dir = root.resolve(workload.dataKey());
        Path manifest = dir.resolve("manifest.properties");
        Properties expected = new Properties();
        expected.setProperty("version", Integer.toString(GENERATOR_VERSION));
        expected.setProperty("count", Integer.toString(workload.count()));
        expected.setProperty("size", Long.toString(workload.size()));
        if (Files.isRegularFile(manifest)) {
            Properties found = new Properties();
            try (Reader in = Files.newBufferedReader(manifest)) {
                found.load(in);
            }
            if (expected.getProperty("version").equals(found.getProperty("version"))
                && expected.getProperty("count").equals(found.getProperty("count"))
                && expected.getProperty("size").equals(found.getProperty("size"))) {
                List<Path> files = list(dir);
                if (files.size() == workload.count() && files.stream().allMatch(f -> sizeOf(f) == workload.size())) {
                    return new MessageFiles(dir, files, workload.totalBytes(),
                            Long.parseLong(found.getProperty("bodyBytes")));
                }
            }
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        long bodyBytes = 0;
        SplittableRandom random = new SplittableRandom(0x9e3779b97f4a7c15L ^ workload.count() ^ workload.size());
        byte[][] lines = lines(random);
        for (int i = 1; i <= workload.count(); i++) {
            Path file = dir.resolve(fileName(i, workload.size()));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                bodyBytes += write(out, i, workload.count(), workload.size(), random, lines);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        expected.setProperty("bodyBytes", Long.toString(bodyBytes));
        try (Writer out = Files.newBufferedWriter(manifest)) {
            expected.store(out, "pop3lite benchmark messages");
        }
        return new MessageFiles(dir, list(dir), workload.totalBytes(), bodyBytes);
    }

    /** A maildir name: unique, with the physical (S) and virtual (W, CRLF) sizes, which are equal here. */
    static String fileName(int index, long size) {
        return String.format(Locale.ROOT, "%d.M%dP1.pop3lite-bench,S=%d,W=%d", 1_700_000_000L + index, index, size, size);
    }

    private static byte[][] lines(SplittableRandom random) {
        byte[][] lines = new byte[1024][];
        for (int i = 0; i < lines.length; i++) {
            byte[] line = new byte[LINE];
            for (int j = 0; j < LINE; j++) {
                line[j] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            line[0] = (byte) ('A' + i % 26); // never a dot, never a space, at the start of a line
            lines[i] = line;
        }
        return lines;
    }

    /**
     * Writes one message of exactly {@code size} octets.
     *
     * @return the octets after the header block (the empty line that ends it not included)
     */
    static long write(OutputStream out, int index, int count, long size, SplittableRandom random, byte[][] lines)
            throws IOException {
        String header = "Return-Path: <sender@example.org>\r\n"
                        + "From: Benchmark Sender <sender@example.org>\r\n"
                        + "To: alice@example.org\r\n"
                        + "Subject: pop3lite benchmark message " + index + " of " + count + "\r\n"
                        + "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                        + "Message-ID: <bench-" + count + "x" + size + "-" + index + "@pop3lite.example>\r\n"
                        + "MIME-Version: 1.0\r\n"
                        + "Content-Type: text/plain; charset=us-ascii\r\n"
                        + "Content-Transfer-Encoding: 7bit\r\n"
                        + "\r\n";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        long remaining = size - head.length;
        if (remaining < 2) {
            throw new IllegalArgumentException("a message of " + size + " octets cannot hold the benchmark header");
        }
        long body = remaining;
        out.write(head);
        while (remaining > 0) {
            int len = (int) Math.min(LINE, remaining - 2);
            if (remaining - (len + 2) == 1) {
                len--; // never leave a single octet, which could not hold a line end
            }
            out.write(lines[random.nextInt(lines.length)], 0, len);
            out.write(CRLF);
            remaining -= len + 2;
        }
        return body;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = new ArrayList<>();
            s.filter(p -> p.getFileName().toString().contains(".pop3lite-bench,")).sorted().forEach(files::add);
            return files;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
