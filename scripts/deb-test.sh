#!/usr/bin/env bash
# The Debian package, tested as an administrator would use it (test.sh runs it; counts as one test):
# build it, install it, check the units with systemd-analyze verify, start each service exactly as its unit says
# (systemd is not PID 1 here: User=, EnvironmentFile=, WorkingDirectory=, UMask= and ExecStart= are applied by this
# script), check that each answers and keeps its files owner-only, stop it with SIGTERM as systemd would, remove the
# package and check that the licenses stayed. Needs root (dpkg). Prints "deb test: OK" or the first failure.
#   scripts/deb-test.sh [PACKAGE.deb]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
[ "$(id -u)" = 0 ] || { echo "deb test: needs root (dpkg -i)"; exit 1; }
fail() { echo "deb test: FAILED: $*"; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  dpkg --purge rdlicensing >/dev/null 2>&1 || true
  rm -rf /var/lib/rdlicensing /etc/rdlicensing
  userdel rdlicensing >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

deb=${1:-}
if [ -z "$deb" ]; then
  t0=$(date +%s)
  deb=$(scripts/build-deb.sh --out "$work") || fail "scripts/build-deb.sh"
  echo "deb test: built $(basename "$deb") ($(du -h "$deb" | cut -f1)) in $(( $(date +%s) - t0 )) s"
fi
dpkg-deb --info "$deb" >/dev/null || fail "dpkg-deb cannot read $deb"
if ! dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
  # Missing dependencies: let apt bring them, as 'apt install ./package.deb' would.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=180 -y -qq -f install >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
fi
getent passwd rdlicensing >/dev/null || fail "the package created no 'rdlicensing' system user"
[ "$(stat -c %a /var/lib/rdlicensing/license-server)" = 700 ] || fail "/var/lib/rdlicensing/license-server is not 0700"
for role in license-server clearinghouse sessionhost; do
  conf=/etc/rdlicensing/$role.json
  [ "$(stat -c %a:%U:%G "$conf" 2>/dev/null)" = 640:root:rdlicensing ] || fail "$conf is missing or not root:rdlicensing 0640"
  dpkg-query -W -f='${Conffiles}\n' rdlicensing | grep -q " $conf " || fail "$conf is not a conffile (an upgrade would overwrite the administrator's edits)"
done
/usr/bin/rdlic --version >/dev/null || fail "/usr/bin/rdlic does not run"

units=(/lib/systemd/system/rdlicensing-{clearinghouse,license-server,sessionhost}.service)
if command -v systemd-analyze >/dev/null; then
  # Offline: it checks the syntax, the directives and that ExecStart's program exists.
  if ! systemd-analyze verify "${units[@]}" >"$work/verify.log" 2>&1; then
    cat "$work/verify.log"; fail "systemd-analyze verify"
  fi
  grep -i "rdlicensing" "$work/verify.log" && fail "systemd-analyze verify warned about the units (above)"
else
  echo "deb test: systemd-analyze not found; unit check skipped"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ch_port=$(free_port); ls_port=$(free_port); sh_port=$(free_port)
# The administrator's edits, in the JSON configuration: free ports instead of 5080-5082 (the defaults may be taken on this
# machine). Each service answering on its edited port below is the edit taking effect.
sed -i "s|127.0.0.1:5081|127.0.0.1:$ch_port|g" /etc/rdlicensing/*.json
sed -i "s|127.0.0.1:5080|127.0.0.1:$ls_port|g" /etc/rdlicensing/*.json
sed -i "s|127.0.0.1:5082|127.0.0.1:$sh_port|g" /etc/rdlicensing/*.json
# An upgrade (here the same package again) keeps them: they are conffiles.
dpkg -i "$deb" >"$work/dpkg-again.log" 2>&1 || { cat "$work/dpkg-again.log"; fail "installing the package over itself"; }
grep -q "127.0.0.1:$ls_port" /etc/rdlicensing/license-server.json || fail "installing the package again overwrote the edited /etc/rdlicensing/license-server.json"
[ "$(stat -c %a:%G /etc/rdlicensing/license-server.json)" = 640:rdlicensing ] || fail "installing the package again left /etc/rdlicensing/license-server.json readable by others"

directive() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
run_unit() { # run_unit UNIT: runs the service the way the unit says, in the foreground
  local unit=$1 user envfile workdir umask exec
  user=$(directive "$unit" User); envfile=$(directive "$unit" EnvironmentFile)
  workdir=$(directive "$unit" WorkingDirectory); umask=$(directive "$unit" UMask)
  exec=$(sed -n 's/^ExecStart=//p' "$unit")
  [ -n "$user" ] && [ -n "$exec" ] || fail "$unit has no User= or ExecStart="
  # systemd reads the environment file (optional with a leading '-') as assignments and splits an unbraced $VAR into words.
  local -a env=()
  if [ -n "$envfile" ] && { [ "${envfile#-}" = "$envfile" ] || [ -f "${envfile#-}" ]; }; then
    while IFS= read -r line; do
      case "$line" in ''|'#'*) continue ;; esac
      env+=("$line")
    done <"${envfile#-}"
  fi
  local expanded
  expanded=$(env -i "${env[@]}" bash -c 'eval "set -- $0"; printf "%s\n" "$@"' "$exec" | tr '\n' ' ')
  cd "$workdir" && umask "$umask" && exec runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME=/var/lib/rdlicensing "${env[@]}" $expanded
}
start_unit() { # start_unit UNIT PORT: runs the service the way the unit says, in the background
  local unit=$1 port=$2
  (run_unit "$unit") >"$work/$(basename "$unit").log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then return 0; fi
    kill -0 "$!" 2>/dev/null || { cat "$work/$(basename "$unit").log"; fail "$(basename "$unit") exited at start"; }
    sleep 0.2
  done
  cat "$work/$(basename "$unit").log"; fail "$(basename "$unit") did not answer /health on port $port within 60 s"
}
command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -y -qq install curl >/dev/null 2>&1 || fail "curl is needed"

start_unit /lib/systemd/system/rdlicensing-clearinghouse.service "$ch_port"
start_unit /lib/systemd/system/rdlicensing-license-server.service "$ls_port"
start_unit /lib/systemd/system/rdlicensing-sessionhost.service "$sh_port"

# Each answers its administrator, whose token it wrote owner-only.
for role in license-server clearinghouse sessionhost; do
  token=/var/lib/rdlicensing/$role/admin.token
  [ -f "$token" ] || fail "$role wrote no $token"
  [ "$(stat -c %a:%U "$token")" = 600:rdlicensing ] || fail "$token is $(stat -c %a:%U "$token"), not 600:rdlicensing"
  loose=$(find /var/lib/rdlicensing/$role -perm /077 -print -quit)
  [ -z "$loose" ] || fail "$loose is readable by others than rdlicensing"
done
RDLIC_TOKEN=$(cat /var/lib/rdlicensing/license-server/admin.token) /usr/bin/rdlic server status --server "http://127.0.0.1:$ls_port" >"$work/status.txt" 2>&1 \
  || { cat "$work/status.txt"; fail "rdlic server status against the packaged license server"; }
/usr/bin/rdlic server activate --method automatic --first-name Ada --last-name Lovelace --company Contoso --country "United Kingdom" \
  --server "http://127.0.0.1:$ls_port" --token "$(cat /var/lib/rdlicensing/license-server/admin.token)" >"$work/activate.txt" 2>&1 \
  || { cat "$work/activate.txt"; fail "activation of the packaged license server by the packaged clearinghouse"; }

# Stop as systemd does (SIGTERM to the main process): each must exit cleanly within TimeoutStopSec (30 s).
for pid in "${pids[@]}"; do
  kill -TERM "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && fail "a service did not stop within 30 s of SIGTERM"
done
pids=()

# A bad value in the JSON configuration stops the service at start: exit 2, one line naming the key and the file, and the
# unit does not restart it in a loop (RestartPreventExitStatus=2).
unit=/lib/systemd/system/rdlicensing-license-server.service
cp /etc/rdlicensing/license-server.json "$work/license-server.json.good"
sed -i "s|\"http://127.0.0.1:$ls_port\"|\"http://127.0.0.1:not-a-port\"|" /etc/rdlicensing/license-server.json
grep -q not-a-port /etc/rdlicensing/license-server.json || fail "could not put a bad value into /etc/rdlicensing/license-server.json"
set +e
timeout 120 bash -c "$(declare -f directive run_unit fail); run_unit $unit" >"$work/bad.out" 2>"$work/bad.err"
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$work/bad.out" "$work/bad.err"; fail "a bad Urls in license-server.json: exit $rc, not 2"; }
[ "$(directive "$unit" RestartPreventExitStatus)" = 2 ] || fail "$unit restarts after a refused configuration (no RestartPreventExitStatus=2)"
[ "$(wc -l <"$work/bad.err")" = 1 ] && [ ! -s "$work/bad.out" ] || { cat "$work/bad.out" "$work/bad.err"; fail "a bad value printed more than the one line"; }
grep -q "^rdlic: LicenseServer:Urls in /etc/rdlicensing/license-server.json: " "$work/bad.err" \
  || { cat "$work/bad.err"; fail "the refusal does not name LicenseServer:Urls in /etc/rdlicensing/license-server.json"; }
echo "deb test: a bad value refused as the administrator sees it: $(cat "$work/bad.err")"
cp "$work/license-server.json.good" /etc/rdlicensing/license-server.json

dpkg -r rdlicensing >/dev/null 2>&1 || fail "dpkg -r"
[ -f /var/lib/rdlicensing/license-server/admin.token ] || fail "removing the package deleted the license server's data"
echo "deb test: OK (installed, 3 units verified, configured by /etc/rdlicensing/*.json: edited ports in effect and kept by a reinstall, 3 services answered, license server activated, stopped, a bad value refused in one line, removed with data kept)"
