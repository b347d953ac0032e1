#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests, benchmarks and the crash test:
#   scripts/throwaway-postgres.sh start   # prints the connection string of its superuser
#   scripts/throwaway-postgres.sh stop
# RDL_PG_ROOT (default /tmp/rdl-pg) holds the cluster, RDL_PG_PORT (default 55432) is its port. Needs root (initdb runs
# as the postgres user through runuser) and Debian's postgresql-15, which it installs when missing.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
root=${RDL_PG_ROOT:-/tmp/rdl-pg}
port=${RDL_PG_PORT:-55432}
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"

stop() {
  [ -f "$root/data/postmaster.pid" ] && $sudo runuser -u postgres -- "$PGBIN/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null 2>&1 || true
  $sudo rm -rf "$root"
}

case "${1:-}" in
  start)
    if [ ! -x "$PGBIN/postgres" ]; then
      DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=180 -y -qq install postgresql-15 >/dev/null 2>&1 \
        || { $sudo apt-get -qq update >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=180 -y -qq install postgresql-15 >/dev/null; }
    fi
    stop
    $sudo mkdir -p "$root"; $sudo chown postgres:postgres "$root"
    $sudo runuser -u postgres -- "$PGBIN/initdb" -D "$root/data" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Tests start many servers at once, each with its own pool: room for them, and fsync stays on (the crash test needs it).
    $sudo runuser -u postgres -- "$PGBIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$root -c max_connections=400 -c shared_buffers=128MB" >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
