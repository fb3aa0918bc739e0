# Shared by the scripts that run private servers on loopback for the tests (dovecot.sh,
# zookeeper.sh, postgresql.sh): sourced, never run.

# apt-get install PACKAGE... without letting package scripts start a system-wide daemon, which
# would listen on every interface: Debian's convention is an executable policy-rc.d that exits 101.
install_without_daemons() {
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# A free loopback port; the short race until the server binds it is the caller's to retry.
free_port() {
  python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null && return 0
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
}
