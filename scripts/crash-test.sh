#!/usr/bin/env bash
# The crash test: `rdlic bench crash` kills the license server with SIGKILL repeatedly during load and, after every
# restart, checks that every CAL it acknowledged is there, that no CAL was issued twice and that each pool's issued
# count equals the CALs holding its licenses.
#   scripts/crash-test.sh [--short] [--db sqlite|postgres] [--seed N]
# Full form: 20 rounds on SQLite, then 20 on PostgreSQL; --short: 3 rounds on each; --db: that database only.
# Builds nothing: run `dotnet build RdLicensing.slnx -c Release` first. PostgreSQL runs on RDLIC_TEST_POSTGRES (a cluster
# connection string, as test.sh exports it), else on a throwaway cluster started here (scripts/throwaway-postgres.sh)
# and stopped at the end. Exits 1 on any breach (or a run that exercised nothing), 2 on a usage mistake.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

usage() { echo "usage: $0 [--short] [--db sqlite|postgres] [--seed N]" >&2; exit 2; }
rounds=20
databases=(sqlite postgres)
seed=()
while [ $# -gt 0 ]; do
  case "$1" in
    --short) rounds=3 ;;
    --db) [ $# -ge 2 ] || usage; case "$2" in sqlite|postgres) databases=("$2") ;; *) usage ;; esac; shift ;;
    --seed) [ $# -ge 2 ] || usage; seed=(--seed "$2"); shift ;;
    *) usage ;;
  esac
  shift
done

rdlic=src/RdLicensing.Cli/bin/Release/net10.0/rdlic.dll
[ -f "$rdlic" ] || { echo "crash-test.sh: $rdlic is missing: run 'dotnet build RdLicensing.slnx -c Release' first" >&2; exit 2; }

if [[ " ${databases[*]} " == *" postgres "* && -z "${RDLIC_TEST_POSTGRES:-}" ]]; then
  # Only a cluster started here is stopped here: one given in RDLIC_TEST_POSTGRES belongs to the caller.
  trap 'scripts/throwaway-postgres.sh stop' EXIT
  RDLIC_TEST_POSTGRES=$(scripts/throwaway-postgres.sh start) \
    || { echo "crash-test.sh: could not start a throwaway PostgreSQL (scripts/throwaway-postgres.sh start)" >&2; exit 1; }
fi

# A bug in rdlic itself (an error it cannot explain) prints its stack trace too, for CI's record.
export RDLIC_DEBUG=1
status=0
for database in "${databases[@]}"; do
  echo "== crash test on $database: $rounds rounds"
  db=()
  [ "$database" = postgres ] && db=(--db "$RDLIC_TEST_POSTGRES")
  started=$SECONDS
  dotnet "$rdlic" bench crash --rounds "$rounds" "${db[@]}" "${seed[@]}" || status=1
  echo "== crash test on $database took $((SECONDS - started)) s"
done
exit $status
