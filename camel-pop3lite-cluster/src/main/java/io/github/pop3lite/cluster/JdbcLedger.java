package io.github.pop3lite.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.github.pop3lite.component.KeyListingRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A delivery ledger that several nodes share through one database table (PostgreSQL in production,
 * H2 or any SQL database with a primary key for tests and single machines).
 *
 * <p>{@link #add(String)} is an atomic claim: one INSERT, so of two nodes that claim the same key at
 * once exactly one wins. A claim is work in progress: {@link #confirm(String)} turns it into a
 * delivery, {@link #remove(String)} gives it up. {@link #contains(String)} is true only for a
 * confirmed key, so a claim never makes another node delete a message whose route has not
 * succeeded.
 *
 * <p>Claims carry the time they were last renewed. While this ledger runs it renews its own claims
 * every third of {@link #setClaimExpiry(Duration) claimExpiry}; a claim that has not been renewed
 * for longer belongs to a node that died, and the next {@code add} of that key takes it over (the
 * message is then routed again: at-least-once for the message in flight at a crash). So a crash
 * never leaves a message claimed for ever, and never turns into a message deleted unrouted.
 *
 * <p>The table is created on first use unless {@link #setCreateTable(boolean) createTable} is off;
 * its definition is {@code io/github/pop3lite/cluster/pop3lite-ledger.sql} in this jar.
 */
@ManagedResource(description = "pop3lite JDBC delivery ledger")
public class JdbcLedger extends ServiceSupport implements KeyListingRepository, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLedger.class);

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** The primary key's length in pop3lite-ledger.sql; a pop3lite key is a mailbox prefix and a UIDL of at most 70 characters. */
    static final int MAX_KEY_LENGTH = 1024;
    private static final String SCHEMA = "pop3lite-ledger.sql";
    private static final String DEFAULT_TABLE = "pop3lite_ledger";
    private static final String CLAIMED = "C";
    private static final String DELIVERED = "D";

    private DataSource dataSource;
    private String tableName = DEFAULT_TABLE;
    private Duration claimExpiry = Duration.ofMinutes(5);
    private boolean createTable = true;
    private String owner;
    private CamelContext camelContext;
    private LongSupplier clock = System::currentTimeMillis;
    private ScheduledExecutorService renewer;

    public JdbcLedger() {
    }

    public JdbcLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    protected void doStart() throws Exception {
        if (dataSource == null) {
            throw new IllegalArgumentException("pop3lite JdbcLedger: set a dataSource (for example a pooled"
                                               + " PostgreSQL DataSource shared by every node)");
        }
        if (!TABLE_NAME.matcher(tableName).matches()) {
            throw new IllegalArgumentException("pop3lite JdbcLedger: table name '" + tableName + "' must be a plain"
                                               + " SQL identifier (letters, digits, _; at most 63)");
        }
        if (claimExpiry.isNegative() || claimExpiry.isZero()) {
            throw new IllegalArgumentException("pop3lite JdbcLedger: claimExpiry must be positive, was " + claimExpiry);
        }
        if (owner == null) {
            owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (createTable) {
            createTable();
        }
        long period = Math.max(1, claimExpiry.toMillis() / 3);
        renewer = camelContext != null
                ? camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "pop3lite-ledger-renewer")
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "pop3lite-ledger-renewer");
                    t.setDaemon(true);
                    return t;
                });
        renewer.scheduleWithFixedDelay(this::renewClaims, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (renewer != null) {
            if (camelContext != null) {
                camelContext.getExecutorServiceManager().shutdownNow(renewer);
            } else {
                renewer.shutdownNow();
            }
            renewer = null;
        }
    }

    /** The shipped definition (pop3lite-ledger.sql), for the configured table name. */
    static String tableDefinition(String tableName) throws IOException {
        try (InputStream in = JdbcLedger.class.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IOException(SCHEMA + " is missing from the classpath");
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("--"))
                    .collect(Collectors.joining("\n")).trim();
            return sql.substring(0, sql.length() - 1).replace(DEFAULT_TABLE, tableName);
        }
    }

    private void createTable() throws SQLException, IOException {
        String ddl = tableDefinition(tableName);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            // two nodes creating the table at once: PostgreSQL may fail the second CREATE ... IF NOT EXISTS
            if (!tableExists()) {
                throw e;
            }
        }
    }

    private boolean tableExists() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT COUNT(*) FROM " + tableName + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Claims the key: true when this call inserted it, or took over a claim that its owner stopped
     * renewing more than claimExpiry ago; false when the key is delivered or claimed by a live node.
     */
    @Override
    public boolean add(String key) {
        checkKey(key);
        long now = clock.getAsLong();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO " + tableName + " (message_key, state, owner, updated_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, key);
                insert.setString(2, CLAIMED);
                insert.setString(3, owner);
                insert.setLong(4, now);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
            }
            // the key is there: only an orphaned claim may be taken, and one UPDATE decides who takes it
            try (PreparedStatement takeOver = c.prepareStatement(
                    "UPDATE " + tableName + " SET owner = ?, updated_at = ? WHERE message_key = ? AND state = ?"
                                                                 + " AND updated_at < ?")) {
                takeOver.setString(1, owner);
                takeOver.setLong(2, now);
                takeOver.setString(3, key);
                takeOver.setString(4, CLAIMED);
                takeOver.setLong(5, now - claimExpiry.toMillis());
                if (takeOver.executeUpdate() == 1) {
                    LOG.warn("Took over the claim on {}: its node stopped renewing it more than {} ago (a crash);"
                             + " the message is routed again", key, claimExpiry);
                    return true;
                }
                return false;
            }
        } catch (SQLException e) {
            throw failure("claim", key, e);
        }
    }

    /** True only when the key was confirmed: a claim in progress is not a delivery. */
    @Override
    public boolean contains(String key) {
        checkKey(key);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT 1 FROM " + tableName + " WHERE message_key = ? AND state = ?")) {
            s.setString(1, key);
            s.setString(2, DELIVERED);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failure("look up", key, e);
        }
    }

    /**
     * Gives up a claim of this node, or forgets a delivered key (or a claim orphaned by a crash).
     * A live claim of another node is left alone: that node is routing the message.
     */
    @Override
    public boolean remove(String key) {
        checkKey(key);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM " + tableName
                                                      + " WHERE message_key = ? AND (state = ? OR owner = ? OR updated_at < ?)")) {
            s.setString(1, key);
            s.setString(2, DELIVERED);
            s.setString(3, owner);
            s.setLong(4, clock.getAsLong() - claimExpiry.toMillis());
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("remove", key, e);
        }
    }

    /** Turns this node's claim into a delivery; false (with a WARN) when the claim was lost meanwhile. */
    @Override
    public boolean confirm(String key) {
        checkKey(key);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE " + tableName
                                                      + " SET state = ?, updated_at = ? WHERE message_key = ? AND owner = ?")) {
            s.setString(1, DELIVERED);
            s.setLong(2, clock.getAsLong());
            s.setString(3, key);
            s.setString(4, owner);
            if (s.executeUpdate() == 1) {
                return true;
            }
            LOG.warn("Cannot confirm {}: this node no longer holds its claim (it was not renewed within claimExpiry {}"
                     + " and another node took it over, or it was removed)", key, claimExpiry);
            return false;
        } catch (SQLException e) {
            throw failure("confirm", key, e);
        }
    }

    /** Removes every key of the ledger, of every node and mailbox. */
    @Override
    public void clear() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + tableName);
        } catch (SQLException e) {
            throw new RuntimeCamelException("pop3lite JdbcLedger: cannot clear table " + tableName + ": " + e.getMessage(), e);
        }
    }

    /** The keys, delivered or claimed, that start with the prefix (one mailbox's keys). */
    @Override
    public Set<String> keysWithPrefix(String prefix) {
        String pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        Set<String> keys = new LinkedHashSet<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT message_key FROM " + tableName
                                                      + " WHERE message_key LIKE ? ESCAPE '\\'")) {
            s.setString(1, pattern);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw failure("list the keys starting with", prefix, e);
        }
    }

    /** Renews the claims this node holds, so that no other node takes them over while it lives. */
    void renewClaims() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "UPDATE " + tableName + " SET updated_at = ? WHERE owner = ? AND state = ?")) {
            s.setLong(1, clock.getAsLong());
            s.setString(2, owner);
            s.setString(3, CLAIMED);
            s.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // the next round tries again; claims only expire after three missed rounds
            LOG.warn("pop3lite JdbcLedger: cannot renew the claims of {} in {}: {}", owner, tableName, e.getMessage());
        }
    }

    private static boolean isDuplicateKey(SQLException e) {
        // SQLState class 23 is an integrity constraint violation (PostgreSQL and H2: 23505, unique violation)
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null && x.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("pop3lite JdbcLedger: a key must have 1 to " + MAX_KEY_LENGTH
                                               + " characters, was " + (key == null ? "null" : key.length()));
        }
    }

    private RuntimeCamelException failure(String what, String key, SQLException e) {
        return new RuntimeCamelException("pop3lite JdbcLedger: cannot " + what + " key '" + key + "' in table "
                                         + tableName + ": " + e.getMessage(), e);
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    /** The database every node shares; give a pooled DataSource, each operation takes a connection. */
    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getTableName() {
        return tableName;
    }

    /** The ledger's table, default pop3lite_ledger; one table may serve every mailbox of every node. */
    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public Duration getClaimExpiry() {
        return claimExpiry;
    }

    /**
     * How long a claim lives without being renewed, default 5 minutes. A live node renews its claims every third
     * of this; after a crash its claims are taken over this long after its last renewal. Keep it well above the
     * clock difference between nodes and a database outage you want to ride out.
     */
    public void setClaimExpiry(Duration claimExpiry) {
        this.claimExpiry = claimExpiry;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    /** Create the table at start when it does not exist (default true). */
    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }

    public String getOwner() {
        return owner;
    }

    /** This node's name in the ledger's claims; default the JVM's pid@host and a random suffix, unique per start. */
    public void setOwner(String owner) {
        this.owner = owner;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** For tests: the time source of claims. */
    void setClock(LongSupplier clock) {
        this.clock = clock;
    }
}
