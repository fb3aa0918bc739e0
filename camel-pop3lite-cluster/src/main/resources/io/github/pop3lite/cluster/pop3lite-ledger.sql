-- The table of io.github.pop3lite.cluster.JdbcLedger (created on first use unless createTable=false).
-- One row per message key: state C = claimed by the node named in owner (work in progress),
-- D = delivered (its route succeeded). updated_at: milliseconds since 1970 of the last renewal
-- (claims) or of the confirmation (deliveries), by the clock of the node that wrote it.
CREATE TABLE IF NOT EXISTS pop3lite_ledger (
  message_key VARCHAR(1024) NOT NULL PRIMARY KEY,
  state       CHAR(1)       NOT NULL,
  owner       VARCHAR(200)  NOT NULL,
  updated_at  BIGINT        NOT NULL
);
