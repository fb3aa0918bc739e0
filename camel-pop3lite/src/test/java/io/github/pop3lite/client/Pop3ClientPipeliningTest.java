package io.github.pop3lite.client;

import java.time.Duration;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.client.Pop3ClientScriptedTest.loggedIn;
import static io.github.pop3lite.client.Pop3ClientScriptedTest.session;
import static io.github.pop3lite.client.Pop3ClientScriptedTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands sent ahead of their replies (RFC 2449 PIPELINING), and a session that closes itself
 * once the server broke the protocol, so that no later reply is matched to the wrong command.
 */
class Pop3ClientPipeliningTest {

    private static Script capa(String... capabilities) {
        Script script = loggedIn().expect("CAPA").send("+OK\r\n");
        for (String c : capabilities) {
            script.send(c + "\r\n");
        }
        return script.send(".\r\n");
    }

    @Test
    void commandsGoOutBeforeTheirRepliesAndRepliesAreMatchedInOrder() throws Exception {
        // the server reads all three commands before it answers any: a client that waited for the
        // first reply would never send the others, and the script would time out
        Script script = capa("UIDL", "PIPELINING")
                .expect("RETR 1").expect("RETR 2").expect("DELE 1")
                .send("+OK 6 octets\r\nfirst\r\n.\r\n")
                .send("+OK 10 octets\r\n..second\r\n.\r\n")
                .send("+OK deleted\r\n")
                .expect("QUIT").send("+OK bye\r\n");
        session(script, client -> {
            client.login("alice", "secret");
            assertTrue(client.capabilities().pipelining());
            client.sendRetr(1);
            client.sendRetr(2);
            client.sendDele(1);
            assertEquals(3, client.pendingReplies());
            PipelinedReply first = client.readReply();
            assertEquals("RETR 1", first.command());
            assertEquals("first\r\n", text(first.data()));
            PipelinedReply second = client.readReply();
            assertEquals(2, second.number());
            assertEquals(".second\r\n", text(second.data()));
            PipelinedReply dele = client.readReply();
            assertTrue(dele.ok());
            assertFalse(dele.isRetr());
            assertNull(dele.data());
            assertEquals(0, client.pendingReplies());
            assertTrue(client.quit());
        });
    }

    @Test
    void unreadMessageDataIsSkippedBeforeTheNextReply() throws Exception {
        Script script = capa("PIPELINING")
                .expect("RETR 1").expect("RETR 2")
                .send("+OK\r\nnot read\r\n.\r\n")
                .send("-ERR no such message\r\n")
                .expect("QUIT").send("+OK\r\n");
        session(script, client -> {
            client.login("alice", "secret");
            client.capabilities();
            client.sendRetr(1);
            client.sendRetr(2);
            assertTrue(client.readReply().ok());
            PipelinedReply missing = client.readReply();
            assertFalse(missing.ok());
            assertEquals("no such message", missing.reply().text());
            assertTrue(client.quit());
        });
    }

    @Test
    void withoutPipeliningOnlyOneCommandMayWait() throws Exception {
        Script script = capa("UIDL")
                .expect("RETR 1").send("+OK\r\nx\r\n.\r\n")
                .expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions().build())) {
                client.login("alice", "secret");
                assertFalse(client.capabilities().pipelining());
                client.sendRetr(1);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.sendRetr(2));
                assertTrue(e.getMessage().contains("did not announce PIPELINING"), e.getMessage());
                assertEquals("x\r\n", text(client.readReply().data()));
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
            assertFalse(server.received().contains("RETR 2"), "the refused command was never sent");
        }
    }

    @Test
    void anOrdinaryCommandWaitsUntilTheRepliesSentAheadWereRead() throws Exception {
        Script script = capa("PIPELINING")
                .expect("DELE 1").send("+OK\r\n")
                .expect("STAT").send("+OK 0 0\r\n")
                .expect("QUIT").send("+OK\r\n");
        session(script, client -> {
            client.login("alice", "secret");
            client.capabilities();
            client.sendDele(1);
            assertThrows(IllegalStateException.class, client::stat);
            assertTrue(client.readReply().ok());
            assertEquals(0, client.stat().count());
            assertThrows(IllegalStateException.class, client::readReply);
            assertTrue(client.quit());
        });
    }

    @Test
    void aMalformedReplyClosesTheSession() throws Exception {
        Script script = loggedIn()
                .expect("STAT").send("+OK many\r\n")
                .expectClosed();
        session(script, client -> {
            client.login("alice", "secret");
            assertThrows(Pop3ProtocolException.class, client::stat);
            assertEquals(Pop3State.CLOSED, client.state());
            IllegalStateException e = assertThrows(IllegalStateException.class, client::noop);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        });
    }

    @Test
    void aTimeoutInTheMiddleOfAListingClosesTheSession() throws Exception {
        Script script = loggedIn()
                .expect("LIST").send("+OK\r\n1 100\r\n")
                .stall();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = Pop3Client.connect(server.clientOptions()
                    .readTimeout(Duration.ofMillis(300)).build())) {
                client.login("alice", "secret");
                assertThrows(java.net.SocketTimeoutException.class, client::list);
                // the rest of the listing may still arrive: it must never be read as the reply to DELE
                assertEquals(Pop3State.CLOSED, client.state());
                assertThrows(IllegalStateException.class, () -> client.dele(1));
            }
            server.awaitScriptDone();
        }
    }
}
