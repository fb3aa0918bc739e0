package io.github.pop3lite.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.RuntimeCamelException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's delivery rules on an in-memory H2 database, two "nodes" sharing one table. */
class JdbcLedgerTest {

    private static final AtomicLong DATABASES = new AtomicLong();

    private JdbcConnectionPool pool;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private JdbcLedger nodeA;
    private JdbcLedger nodeB;

    @BeforeEach
    void start() {
        pool = JdbcConnectionPool.create("jdbc:h2:mem:ledger" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "");
        nodeA = ledger("A");
        nodeB = ledger("B");
    }

    private JdbcLedger ledger(String owner) {
        JdbcLedger ledger = new JdbcLedger(pool);
        ledger.setOwner(owner);
        ledger.setClaimExpiry(Duration.ofSeconds(60));
        ledger.setClock(now::get);
        ledger.start();
        return ledger;
    }

    @AfterEach
    void stop() {
        nodeA.stop();
        nodeB.stop();
        pool.dispose();
    }

    @Test
    void aKeyIsClaimedByOneNodeOnly() {
        assertTrue(nodeA.add("alice@h:110/1"));
        assertFalse(nodeB.add("alice@h:110/1"), "B must not route what A claimed");
        assertFalse(nodeA.add("alice@h:110/1"), "a second claim of the same node is refused too");
    }

    @Test
    void aClaimIsNotADelivery() {
        nodeA.add("k");
        assertFalse(nodeB.contains("k"), "a claim in progress must not make another node delete the message");
        assertTrue(nodeA.confirm("k"));
        assertTrue(nodeB.contains("k"));
        assertFalse(nodeB.add("k"), "a delivered key is never claimed again");
    }

    @Test
    void aReleasedClaimCanBeTakenAgain() {
        nodeA.add("k");
        assertTrue(nodeA.remove("k"));
        assertTrue(nodeB.add("k"));
    }

    @Test
    void aLiveClaimOfAnotherNodeIsNotRemoved() {
        nodeA.add("k");
        assertFalse(nodeB.remove("k"));
        assertFalse(nodeB.add("k"));
        nodeA.confirm("k");
        assertTrue(nodeB.remove("k"), "a delivered key may be forgotten by any node");
        assertFalse(nodeB.contains("k"));
    }

    @Test
    void anOrphanedClaimIsTakenOverAfterTheExpiry() {
        nodeA.add("k");
        now.addAndGet(59_000);
        assertFalse(nodeB.add("k"), "not yet expired");
        now.addAndGet(2_000);
        assertTrue(nodeB.add("k"), "A stopped renewing: B takes the message over");
        assertFalse(nodeA.confirm("k"), "A lost its claim and cannot confirm it");
        assertTrue(nodeB.confirm("k"));
        assertTrue(nodeA.contains("k"));
    }

    @Test
    void aLiveNodeRenewsItsClaims() {
        nodeA.add("k");
        now.addAndGet(50_000);
        nodeA.renewClaims();
        now.addAndGet(50_000);
        assertFalse(nodeB.add("k"), "renewed 50 s ago: still A's");
        nodeA.confirm("k");
        now.addAndGet(500_000);
        assertFalse(nodeB.add("k"), "a delivery never expires");
    }

    @Test
    void renewalRunsByItselfWhileTheLedgerRuns() throws Exception {
        JdbcLedger fast = new JdbcLedger(pool);
        fast.setOwner("fast");
        fast.setClaimExpiry(Duration.ofMillis(300));
        fast.start();
        try {
            assertTrue(fast.add("r"));
            JdbcLedger other = new JdbcLedger(pool);
            other.setOwner("other");
            other.setClaimExpiry(Duration.ofMillis(300));
            other.start();
            try {
                // the owner renews every 100 ms, so its claim never expires while it runs
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> !other.add("r"));
                fast.stop();
                await().atMost(Duration.ofSeconds(10)).until(() -> other.add("r"));
            } finally {
                other.stop();
            }
        } finally {
            fast.stop();
        }
    }

    @Test
    void concurrentClaimsHaveOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                String key = "race/" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    JdbcLedger node = i % 2 == 0 ? nodeA : nodeB;
                    Callable<Boolean> claim = () -> {
                        go.await();
                        return node.add(key);
                    };
                    claims.add(pool.submit(claim));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> f : claims) {
                    winners += f.get() ? 1 : 0;
                }
                assertEquals(1, winners, "claims of " + key);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listsTheKeysOfOneMailboxTakingWildcardsLiterally() {
        nodeA.add("box_1/a");
        nodeA.add("box_1/b");
        nodeA.confirm("box_1/b");
        nodeA.add("boxX1/c");
        nodeA.add("box%/d");
        assertEquals(Set.of("box_1/a", "box_1/b"), nodeB.keysWithPrefix("box_1/"));
        assertEquals(Set.of("box%/d"), nodeB.keysWithPrefix("box%/"));
    }

    @Test
    void theTableIsCreatedOnceForManyLedgers() {
        JdbcLedger third = ledger("C");
        third.stop();
        nodeA.add("k");
        JdbcLedger fourth = ledger("D");
        try {
            assertFalse(fourth.add("k"));
        } finally {
            fourth.stop();
        }
    }

    @Test
    void badSettingsAreNamed() {
        JdbcLedger noSource = new JdbcLedger();
        assertTrue(assertThrows(IllegalArgumentException.class, noSource::start).getMessage().contains("dataSource"));
        JdbcLedger badTable = new JdbcLedger(pool);
        badTable.setTableName("ledger; DROP TABLE x");
        assertTrue(assertThrows(IllegalArgumentException.class, badTable::start).getMessage().contains("table name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> nodeA.add("x".repeat(2000))).getMessage()
                .contains("1024"));
    }

    @Test
    void aDatabaseFailureNamesTheKeyAndTable() {
        JdbcLedger ledger = new JdbcLedger(pool);
        ledger.setTableName("other_table");
        ledger.setCreateTable(false);
        ledger.start();
        try {
            RuntimeCamelException e = assertThrows(RuntimeCamelException.class, () -> ledger.add("k1"));
            assertTrue(e.getMessage().contains("k1") && e.getMessage().contains("other_table"), e.getMessage());
        } finally {
            ledger.stop();
        }
    }
}
