package io.github.pop3lite.component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.UnitOfWorkHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A message's body: in memory or spooled as the context's stream caching decides, whatever the staging held. */
class MessageBodyTest {

    private static final int THRESHOLD = 1000;

    @TempDir
    Path spool;
    private CamelContext context;

    @BeforeEach
    void startContext() {
        startContext(true);
    }

    private void startContext(boolean spooling) {
        context = new DefaultCamelContext();
        context.getStreamCachingStrategy().setSpoolEnabled(spooling);
        context.getStreamCachingStrategy().setSpoolThreshold(THRESHOLD);
        context.getStreamCachingStrategy().setSpoolDirectory(spool.toFile());
        context.start();
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    /** Writes {@code octets} in pieces of {@code piece}, through a staging array of {@code staging} octets. */
    private StreamCache body(Exchange exchange, byte[] octets, int piece, int staging) throws IOException {
        MessageBody body = new MessageBody(exchange, new byte[staging]);
        for (int at = 0; at < octets.length; at += piece) {
            body.write(octets, at, Math.min(piece, octets.length - at));
        }
        return body.newStreamCache();
    }

    private static byte[] octets(int n) {
        byte[] octets = new byte[n];
        for (int i = 0; i < n; i++) {
            octets[i] = (byte) (i * 31 + 7);
        }
        return octets;
    }

    private static byte[] readTwice(StreamCache cache) throws IOException {
        byte[] first = ((InputStream) cache).readAllBytes();
        cache.reset();
        byte[] second = ((InputStream) cache).readAllBytes();
        assertArrayEquals(first, second, "read again after reset()");
        return first;
    }

    @Test
    void aMessageThatFitsTheStagingAndStaysUnderTheThresholdIsInMemoryAtItsOwnLength() throws Exception {
        byte[] octets = octets(700);
        StreamCache cache = body(new DefaultExchange(context), octets, 64, 4096);
        assertTrue(cache.inMemory());
        assertEquals(700, cache.length());
        assertArrayEquals(octets, readTwice(cache));
    }

    @Test
    void aMessageThatFitsTheStagingButIsOverTheThresholdIsSpooled() throws Exception {
        Exchange exchange = new DefaultExchange(context);
        byte[] octets = octets(3000);
        StreamCache cache = body(exchange, octets, 512, 4096);
        assertFalse(cache.inMemory(), "over the spool threshold of " + THRESHOLD);
        assertArrayEquals(octets, readTwice(cache));
        assertEquals(1, Leftovers.files(spool).size(), "one spool file");
        UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());
        assertEquals(0, Leftovers.files(spool).size(), "removed when the Exchange is done");
    }

    @Test
    void aMessageLargerThanTheStagingIsKeptWholeInMemoryOrSpooledAsTheThresholdSays() throws Exception {
        byte[] small = octets(900);
        StreamCache inMemory = body(new DefaultExchange(context), small, 100, 256);
        assertTrue(inMemory.inMemory());
        assertArrayEquals(small, readTwice(inMemory));

        byte[] large = octets(5000);
        StreamCache spooled = body(new DefaultExchange(context), large, 300, 256);
        assertFalse(spooled.inMemory());
        assertArrayEquals(large, readTwice(spooled));
    }

    @Test
    void theStagingArrayCanBeReusedOnceTheBodyIsMade() throws Exception {
        byte[] staging = new byte[4096];
        MessageBody first = new MessageBody(new DefaultExchange(context), staging);
        first.write(octets(500), 0, 500);
        StreamCache cache = first.newStreamCache();
        Arrays.fill(staging, (byte) 0);
        MessageBody second = new MessageBody(new DefaultExchange(context), staging);
        second.write(new byte[] { 1, 2, 3 }, 0, 3);
        assertArrayEquals(new byte[] { 1, 2, 3 }, readTwice(second.newStreamCache()));
        assertArrayEquals(octets(500), readTwice(cache), "the first body has a copy of its own");
    }

    @Test
    void withoutSpoolingEveryMessageStaysInMemory() throws Exception {
        context.stop();
        startContext(false);
        byte[] octets = octets(3000);
        StreamCache cache = body(new DefaultExchange(context), octets, 1000, 4096);
        assertTrue(cache.inMemory());
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        cache.writeTo(copy);
        assertArrayEquals(octets, copy.toByteArray());
        assertEquals(0, Leftovers.files(spool).size(), "no spool file");
    }
}
