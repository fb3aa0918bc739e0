#!/usr/bin/env bash
# A private PostgreSQL (Debian package `postgresql`) on loopback, for pop3lite's cluster tests.
#
#   scripts/postgresql.sh install      (root) install postgresql if missing, without starting the system cluster
#   scripts/postgresql.sh start DIR    (re)start a server whose whole state lives under DIR (a fresh
#                                      database each time), then write DIR/postgresql.properties
#                                      (JDBC URL, user, password)
#   scripts/postgresql.sh stop DIR     stop that server; harmless when it is not running
#
# initdb and postgres refuse to run as root: run as root, the script runs them as the package's
# `postgres` user (DIR is handed to it); run as anyone else, as that user. Only 127.0.0.1 listens,
# the Unix socket lives in DIR/run, and logins need the password (scram-sha-256).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/loopback.sh"

DB=pop3lite
DB_USER=pop3lite
DB_PASSWORD=pop3litepw

die() { echo "postgresql.sh: $*" >&2; exit 1; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

installed() { local b; b=$(bindir) && [[ -x $b/initdb && -x $b/pg_ctl && -x $b/postgres ]]; }

cmd_install() {
  installed && return 0
  [[ $EUID -eq 0 ]] || die "install must run as root"
  # Package scripts would otherwise create and start a system-wide cluster on port 5432.
  mkdir -p /etc/postgresql-common/createcluster.d
  # no main cluster of the package's own: ours live under the DIR given
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/pop3lite-no-main.conf
  install_without_daemons postgresql
  installed || die "postgresql still missing after apt-get install"
}

# Runs a command as the server's owner.
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    setpriv --reuid postgres --regid postgres --clear-groups "$@"
  else
    "$@"
  fi
}

cmd_stop() {
  local dir=$1 b
  [[ -s $dir/data/postmaster.pid ]] || return 0
  b=$(bindir) || return 0
  as_owner "$b/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  if [[ -s $dir/data/postmaster.pid ]]; then
    local pid
    pid=$(head -n 1 "$dir/data/postmaster.pid")
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]] && kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/data/postmaster.pid"
  fi
}

cmd_start() {
  local dir=$1 b port attempt
  installed || die "postgresql is not installed; run: $0 install"
  b=$(bindir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ $dir != / ]] || die "refusing to use / as DIR (start wipes DIR/data)"
  cmd_stop "$dir"
  rm -rf "$dir/data" "$dir/run" "$dir/postgresql.properties" "$dir/postgresql.log"
  mkdir -p "$dir/run"
  printf '%s\n' "$DB_PASSWORD" >"$dir/pwfile"
  if [[ $EUID -eq 0 ]]; then
    getent passwd postgres >/dev/null || die "the postgres user is missing; run: $0 install"
    chown postgres:postgres "$dir" "$dir/run" "$dir/pwfile"
    as_owner test -w "$dir" || die "postgres cannot write $dir; make its parent directories world-searchable"
  fi
  as_owner "$b/initdb" -D "$dir/data" -U "$DB_USER" --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  for attempt in 1 2 3; do
    port=$(free_port)
    # fsync off: a test database is thrown away at each start
    if as_owner "$b/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
         start >"$dir/start.out" 2>&1; then
      PGPASSWORD=$DB_PASSWORD as_owner "$b/psql" -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -qAt \
        -c "CREATE DATABASE $DB" >/dev/null 2>>"$dir/start.out" || { cat "$dir/start.out" >&2; die "cannot create database $DB"; }
      {
        echo "host=127.0.0.1"
        echo "port=$port"
        echo "database=$DB"
        echo "user=$DB_USER"
        echo "password=$DB_PASSWORD"
        echo "jdbc.url=jdbc:postgresql://127.0.0.1:$port/$DB"
        echo "log=$dir/postgresql.log"
      } >"$dir/postgresql.properties.tmp"
      mv "$dir/postgresql.properties.tmp" "$dir/postgresql.properties"
      echo "postgresql: 127.0.0.1:$port database $DB, state in $dir"
      return 0
    fi
    cmd_stop "$dir"
    grep -qi 'Address already in use\|could not bind' "$dir/postgresql.log" 2>/dev/null || break
  done
  echo "postgresql.sh: postgresql failed to start on 127.0.0.1:${port:-?}:" >&2
  cat "$dir/start.out" >&2 || true
  tail -n 30 "$dir/postgresql.log" >&2 2>/dev/null || true
  exit 1
}

case "${1:-}" in
  install) cmd_install ;;
  start) [[ $# -eq 2 ]] || die "usage: $0 start DIR"; cmd_start "$2" ;;
  stop) [[ $# -eq 2 ]] || die "usage: $0 stop DIR"; cmd_stop "$(cd "$2" 2>/dev/null && pwd || echo "$2")" ;;
  *) die "usage: $0 install | start DIR | stop DIR" ;;
esac
