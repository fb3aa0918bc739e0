package io.github.pop3lite.component;

import java.nio.file.Path;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.pop3lite.client.MessageSize;
import io.github.pop3lite.client.MessageUid;
import io.github.pop3lite.client.Pop3Client;
import io.github.pop3lite.client.Pop3ClientOptions;
import jakarta.mail.Flags;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;

import static org.awaitility.Awaitility.await;

/**
 * A CamelContext per test and a GreenMail POP3 server on 127.0.0.1, on a port the system picks, with
 * the maildrop of alice. Each test adds its own route, so that its endpoint options are in plain sight.
 */
abstract class GreenMailTestSupport extends CamelTestSupport {

    static final String USER = "alice";
    static final String PASSWORD = "s3cret";
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    protected GreenMail greenMail;
    protected GreenMailUser alice;
    protected final PollRecorder polls = new PollRecorder();
    /** This test's maildrop, for every endpoint of the test (see {@link TestMailboxes}); null: the default. */
    protected String mailboxId;

    /** The bind address of GreenMail; ::1 for the IPv6 test. */
    protected String bindAddress() {
        return "127.0.0.1";
    }

    protected String protocol() {
        return ServerSetup.PROTOCOL_POP3;
    }

    @Override
    protected void doPreSetup() throws Exception {
        greenMail = new GreenMail(new ServerSetup(0, bindAddress(), protocol()));
        greenMail.start();
        alice = greenMail.setUser("alice@example.com", USER, PASSWORD);
        mailboxId = TestMailboxes.fresh(USER);
    }

    /** Large messages go to a spool file, in a directory of this test, as a user who enables spooling has it. */
    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        camel.getStreamCachingStrategy().setSpoolEnabled(true);
        camel.getStreamCachingStrategy().setSpoolDirectory(
                Path.of("target", "spool-" + getClass().getSimpleName() + "-" + System.nanoTime()).toFile());
        return camel;
    }

    /** The context's spool directory, as its stream caching resolved it at start. */
    protected Path spoolDirectory() {
        return context.getStreamCachingStrategy().getSpoolDirectory().toPath();
    }

    /** The spool files there now. */
    protected List<Path> spoolFiles() throws IOException {
        return Leftovers.files(spoolDirectory());
    }

    @Override
    protected void doPostSetup() throws Exception {
        context.getRegistry().bind("polls", polls);
    }

    @Override
    protected void doPostTearDown() throws Exception {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    protected int port() {
        return protocol().equals(ServerSetup.PROTOCOL_POP3S) ? greenMail.getPop3s().getPort() : greenMail.getPop3().getPort();
    }

    /** The endpoint for alice, polling at once and every 100 ms, recording its polls; {@code options} are appended. */
    protected String uri(String options) {
        return uri(USER, PASSWORD, options);
    }

    /** As {@link #uri(String)}; an option given in {@code options} replaces the default of the same name. */
    protected String uri(String user, String password, String options) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("username", user);
        query.put("password", "RAW(" + password + ")");
        query.put("initialDelay", "0");
        query.put("delay", "100");
        query.put("pollStrategy", "#polls");
        if (mailboxId != null) {
            query.put("mailboxId", mailboxId);
        }
        for (String option : options.isEmpty() ? new String[0] : options.split("&")) {
            int eq = option.indexOf('=');
            query.put(option.substring(0, eq), option.substring(eq + 1));
        }
        StringBuilder uri = new StringBuilder("pop3lite:" + hostInUri() + ":" + port());
        char separator = '?';
        for (Map.Entry<String, String> entry : query.entrySet()) {
            uri.append(separator).append(entry.getKey()).append('=').append(entry.getValue());
            separator = '&';
        }
        return uri.toString();
    }

    /**
     * Lets {@link #uri} name no mailboxId, for a test that asserts the default one, user@host:port. The JVM's
     * default repository of that mailbox is emptied: an earlier test may have had a server on this port, and
     * what it routed there would be skipped here.
     */
    protected void useTheDefaultMailboxId() {
        mailboxId = null;
        InMemoryKeyListingRepository.of(USER + "@" + hostInUri() + ":" + port()).clear();
    }

    protected String hostInUri() {
        return bindAddress().contains(":") ? "[" + bindAddress() + "]" : bindAddress();
    }

    /** Adds a route {@code pop3} from the endpoint to mock:out, the body converted to a String. */
    protected void routeToMock(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop3").convertBodyTo(String.class).to("mock:out");
            }
        });
    }

    /** A small message in CRLF form, ending in CRLF, as GreenMail serves it back byte for byte. */
    static String mail(String subject, String body) {
        return "From: bob@example.com\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <"
               + subject + "@example.com>\r\n\r\n" + body + "\r\n";
    }

    protected void deliver(String raw) {
        deliver(raw.getBytes(StandardCharsets.UTF_8));
    }

    protected void deliver(byte[] raw) {
        alice.deliver(GreenMailUtil.newMimeMessage(new ByteArrayInputStream(raw)));
    }

    /** Delivers one message per subject, with the body {@code "body of <subject>"}. */
    protected void deliverSubjects(String... subjects) {
        for (String subject : subjects) {
            deliver(mail(subject, "body of " + subject));
        }
    }

    /** The subjects of the messages on the server, in maildrop order, leaving out those marked deleted. */
    protected List<String> subjectsOnServer() throws Exception {
        List<String> subjects = new ArrayList<>();
        for (StoredMessage message : greenMail.getManagers().getImapHostManager().getInbox(alice).getMessages()) {
            if (!message.getFlags().contains(Flags.Flag.DELETED)) {
                subjects.add(message.getMimeMessage().getSubject());
            }
        }
        return subjects;
    }

    /** The UIDL of each message number, from a POP3 session of our own, closed without QUIT. */
    protected Map<Integer, String> uidsOnServer() throws Exception {
        try (Pop3Client pop3 = Pop3Client.connect(Pop3ClientOptions.builder(bindAddress()).port(port()).build())) {
            pop3.login(USER, PASSWORD);
            Map<Integer, String> uids = new TreeMap<>();
            for (MessageUid uid : pop3.uidl()) {
                uids.put(uid.number(), uid.uid());
            }
            return uids;
        }
    }

    /** The LIST size of each message number, from a POP3 session of our own, closed without QUIT. */
    protected Map<Integer, Long> sizesOnServer() throws Exception {
        try (Pop3Client pop3 = Pop3Client.connect(Pop3ClientOptions.builder(bindAddress()).port(port()).build())) {
            pop3.login(USER, PASSWORD);
            Map<Integer, Long> sizes = new TreeMap<>();
            for (MessageSize size : pop3.list()) {
                sizes.put(size.number(), size.size());
            }
            return sizes;
        }
    }

    /** The Subject headers of the exchanges mock:out received, in order. */
    protected List<String> routedSubjects() {
        return getMockEndpoint("mock:out").getReceivedExchanges().stream()
                .map(e -> e.getIn().getHeader("Subject", String.class)).toList();
    }

    protected List<Exchange> routed() {
        return getMockEndpoint("mock:out").getReceivedExchanges();
    }

    protected void awaitRouted(int count) {
        await("mock:out receives " + count).atMost(TIMEOUT).until(() -> routed().size() >= count);
    }

    protected Pop3LiteConsumer consumer(String routeId) {
        return (Pop3LiteConsumer) context.getRoute(routeId).getConsumer();
    }
}
