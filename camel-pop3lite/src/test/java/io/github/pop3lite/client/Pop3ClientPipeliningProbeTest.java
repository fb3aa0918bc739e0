package io.github.pop3lite.client;

import java.time.Duration;
import java.util.Optional;

import io.github.pop3lite.client.ScriptedPop3Server.Script;
import org.junit.jupiter.api.Test;

import static io.github.pop3lite.client.Pop3ClientScriptedTest.loggedIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Pipelining#AUTO} against servers that do not announce PIPELINING: the probe after login, what
 * it concludes from servers that answer, delay, discard or hang up, and the verdict kept across sessions.
 */
class Pop3ClientPipeliningProbeTest {

    private static final Duration BOUND = Duration.ofMillis(300);

    private static Script capa(Script script, String... capabilities) {
        script.expect("CAPA").send("+OK\r\n");
        for (String c : capabilities) {
            script.send(c + "\r\n");
        }
        return script.send(".\r\n");
    }

    /** Logged in, CAPA without PIPELINING, then both NOOPs read before any is answered. */
    private static Script probed() {
        return capa(loggedIn(), "UIDL", "USER").expect("NOOP").expect("NOOP");
    }

    private static Pop3Client connect(ScriptedPop3Server server, PipeliningMemory memory, Pipelining mode)
            throws Exception {
        Pop3Client client = Pop3Client.connect(server.clientOptions()
                .readTimeout(Duration.ofSeconds(2))
                .pipelining(mode)
                .pipeliningMemory(memory)
                .pipeliningProbeTimeout(BOUND)
                .build());
        client.login("alice", "secret");
        return client;
    }

    @Test
    void aServerThatAnswersBothNoopsPipelinesAndIsNotProbedAgain() throws Exception {
        PipeliningMemory memory = new PipeliningMemory();
        // the second session has no NOOP in its script: the verdict of the first is used
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                probed().send("+OK\r\n+OK\r\n").expect("QUIT").send("+OK\r\n"),
                capa(loggedIn(), "UIDL").expect("RETR 1").expect("RETR 2")
                        .send("+OK\r\none\r\n.\r\n+OK\r\ntwo\r\n.\r\n").expect("QUIT").send("+OK\r\n"))) {
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                assertTrue(client.mayPipeline());
                assertTrue(client.mayPipeline(), "decided once per session");
                assertTrue(client.quit());
            }
            assertEquals(Optional.of(true), memory.verdict());
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                assertTrue(client.mayPipeline());
                client.sendRetr(1);
                client.sendRetr(2);
                assertEquals("one\r\n", Pop3ClientScriptedTest.text(client.readReply().data()));
                assertEquals("two\r\n", Pop3ClientScriptedTest.text(client.readReply().data()));
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void aSecondReplyLaterThanTheBoundMeansOneAtATimeAndTheSessionGoesOn() throws Exception {
        PipeliningMemory memory = new PipeliningMemory();
        Script script = probed().send("+OK\r\n").pause(BOUND.multipliedBy(3)).send("+OK late\r\n")
                .expect("STAT").send("+OK 2 20\r\n").expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                assertFalse(client.mayPipeline());
                // the late reply was read as the probe's: STAT gets its own
                assertEquals(2, client.stat().count());
                client.sendRetr(1);
                assertThrows(IllegalStateException.class, () -> client.sendRetr(2));
            }
            assertEquals(Optional.of(false), memory.verdict());
        }
    }

    @Test
    void aServerThatDiscardsTheSecondNoopEndsTheSessionAndIsNotProbedAgain() throws Exception {
        PipeliningMemory memory = new PipeliningMemory();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                probed().send("+OK\r\n").stall(),
                capa(loggedIn(), "UIDL").expect("QUIT").send("+OK\r\n"))) {
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                Pop3Exception e = assertThrows(Pop3Exception.class, client::mayPipeline);
                assertTrue(e.getMessage().contains("failed the pipelining probe"), e.getMessage());
                assertEquals(Pop3State.CLOSED, client.state());
            }
            assertEquals(Optional.of(false), memory.verdict());
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                assertFalse(client.mayPipeline());
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void aServerThatHangsUpOnTwoCommandsIsNotPipelined() throws Exception {
        PipeliningMemory memory = new PipeliningMemory();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(probed().hangUp())) {
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                assertThrows(Pop3Exception.class, client::mayPipeline);
                assertEquals(Pop3State.CLOSED, client.state());
            }
            server.awaitScriptDone();
        }
        assertEquals(Optional.of(false), memory.verdict());
    }

    @Test
    void anErrToANoopMeansOneAtATime() throws Exception {
        PipeliningMemory memory = new PipeliningMemory();
        Script script = probed().send("+OK\r\n-ERR what\r\n").expect("QUIT").send("+OK\r\n");
        try (ScriptedPop3Server server = ScriptedPop3Server.start(script)) {
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                assertFalse(client.mayPipeline());
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
        assertEquals(Optional.of(false), memory.verdict());
    }

    @Test
    void announcedAndOffNeverProbe() throws Exception {
        PipeliningMemory memory = new PipeliningMemory();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(
                capa(loggedIn(), "UIDL").expect("QUIT").send("+OK\r\n"),
                capa(loggedIn(), "PIPELINING").expect("QUIT").send("+OK\r\n"),
                loggedIn().expect("QUIT").send("+OK\r\n"))) {
            try (Pop3Client client = connect(server, memory, Pipelining.ANNOUNCED)) {
                assertFalse(client.mayPipeline());
                assertTrue(client.quit());
            }
            try (Pop3Client client = connect(server, memory, Pipelining.ANNOUNCED)) {
                assertTrue(client.mayPipeline());
                assertTrue(client.quit());
            }
            // off: not even CAPA is asked
            try (Pop3Client client = connect(server, memory, Pipelining.OFF)) {
                assertFalse(client.mayPipeline());
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
        assertEquals(Optional.empty(), memory.verdict());
    }

    @Test
    void aFailedPipelinedSessionHasTheServerProbedAgainAndTwoInARowEndPipelining() throws Exception {
        PipeliningMemory memory = new PipeliningMemory();
        // each session passes the probe and then hangs up in the middle of a pipelined RETR
        Script broken = probed().send("+OK\r\n+OK\r\n").expect("RETR 1").expect("RETR 2").send("+OK\r\nhal").hangUp();
        try (ScriptedPop3Server server = ScriptedPop3Server.start(broken,
                probed().send("+OK\r\n+OK\r\n").expect("RETR 1").expect("RETR 2").send("+OK\r\nhal").hangUp(),
                capa(loggedIn(), "UIDL").expect("QUIT").send("+OK\r\n"))) {
            for (int session = 1; session <= 2; session++) {
                try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                    assertTrue(client.mayPipeline());
                    client.sendRetr(1);
                    client.sendRetr(2);
                    PipelinedReply first = client.readReply();
                    assertThrows(Pop3ProtocolException.class, () -> first.data().readAllBytes());
                }
                assertEquals(session == 1 ? Optional.empty() : Optional.of(false), memory.verdict());
            }
            try (Pop3Client client = connect(server, memory, Pipelining.AUTO)) {
                assertFalse(client.mayPipeline());
                assertTrue(client.quit());
            }
            server.awaitScriptDone();
        }
    }

    @Test
    void aCommittedSessionResetsTheCountOfFailures() {
        PipeliningMemory memory = new PipeliningMemory();
        memory.probed(true);
        memory.pipelinedSessionFailed();
        memory.probed(true);
        memory.pipelinedSessionSucceeded();
        memory.pipelinedSessionFailed();
        assertEquals(Optional.empty(), memory.verdict(), "one failure since the last good session: probe again");
    }
}
