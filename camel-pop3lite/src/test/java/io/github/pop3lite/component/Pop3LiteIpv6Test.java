package io.github.pop3lite.component;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The IPv6 literal in brackets, {@code pop3lite:[::1]:port}, against GreenMail bound to ::1. */
class Pop3LiteIpv6Test extends GreenMailTestSupport {

    @Override
    protected String bindAddress() {
        return "::1";
    }

    @Override
    protected void doPreSetup() throws Exception {
        assumeTrue(ipv6LoopbackAvailable(), "::1 is not available on this machine");
        super.doPreSetup();
    }

    private static boolean ipv6LoopbackAvailable() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void bracketedIpv6LiteralConnectsAndScopesTheIdempotentKey() throws Exception {
        useTheDefaultMailboxId();
        deliverSubjects("over IPv6");
        String uid = uidsOnServer().get(1);
        long size = sizesOnServer().get(1);
        String uri = uri("");
        assertEquals("pop3lite:[::1]:" + port(), uri.substring(0, uri.indexOf('?')));
        routeToMock(uri);
        awaitRouted(1);
        polls.awaitPolls(1);

        assertEquals(List.of("over IPv6"), routedSubjects());
        assertEquals("alice@[::1]:" + port() + "/" + uid + " " + size,
                routed().get(0).getIn().getHeader(Pop3LiteConstants.IDEMPOTENT_KEY));
        assertEquals(List.of(), subjectsOnServer());
    }
}
