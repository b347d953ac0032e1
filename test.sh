#!/usr/bin/env bash
# Runs every test of RdLicensing and prints "N passed, N failed, N skipped" alone on a line.
# Needs the .NET 10 SDK, and installs what the interop tests drive (guarded, so a second run is quick):
# the real RDP clients xfreerdp 2.11 (freerdp2-x11) and rdesktop 1.9, Xvfb for their display, xrdp 0.9.21 as the
# desktop behind the relay, and Debian's Chromium for the Licensing Manager browser tests (screenshots of its pages land
# in TestResults/screenshots; axe-core from npm for their accessibility check), and PostgreSQL 15 for a throwaway
# cluster the PostgreSQL tests run on (scripts/throwaway-postgres.sh). It also builds the Debian package and installs
# it on this machine (scripts/deb-test.sh, as root), removing it afterwards.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"

command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET SDK 10 (dotnet) is required and not on PATH" >&2; exit 1; }

packages=()
command -v xfreerdp >/dev/null 2>&1 || packages+=(freerdp2-x11)
command -v rdesktop >/dev/null 2>&1 || packages+=(rdesktop)
command -v Xvfb >/dev/null 2>&1 || packages+=(xvfb xauth)
# A real desktop behind the relay (tests/RdLicensing.Rdp.Tests/Relay): xrdp 0.9.21 with xorgxrdp, and what its test
# session draws (xterm, xclock, xsetroot) and the tests read back from the client's screen (xwd, convert).
command -v xrdp >/dev/null 2>&1 || packages+=(xrdp xorgxrdp)
command -v xdotool >/dev/null 2>&1 || packages+=(xdotool) # types at xrdp's login screen (the relay withholds it)
command -v xterm >/dev/null 2>&1 || packages+=(xterm)
command -v xsetroot >/dev/null 2>&1 || packages+=(x11-xserver-utils)
command -v xclock >/dev/null 2>&1 || packages+=(x11-apps)
command -v xwd >/dev/null 2>&1 || packages+=(x11-apps)
command -v xdpyinfo >/dev/null 2>&1 || packages+=(x11-utils)
# ImageMagick's own convert: another on the PATH (a stand-in that reads only PNG) cannot read the xwd screen dumps.
[ -x /usr/bin/convert ] || packages+=(imagemagick)
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v npm >/dev/null 2>&1 || packages+=(npm) # axe-core below
[ -x /usr/lib/postgresql/15/bin/postgres ] || packages+=(postgresql-15)
# A real SMTP server for the alert e-mails (tests/RdLicensing.Testing/SmtpReceiver): Debian's python3-aiosmtpd.
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || packages+=(python3-aiosmtpd)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  apt_log=$(mktemp)
  apt() { DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=180 -y -qq "$@" >>"$apt_log" 2>&1; }
  echo "test.sh: installing ${packages[*]} for the RDP interop, browser, database and mail tests"
  apt update || echo "test.sh: apt-get update failed; installing from what the package lists already name" >&2
  # dpkg can stop half-way (seen with chromium): repair, then try once more.
  if ! apt install "${packages[@]}" && ! { apt install -f && apt install "${packages[@]}"; }; then
    tail -n 20 "$apt_log" >&2
    echo "test.sh: could not install ${packages[*]} (apt-get as root); the RDP interop and browser tests need them" >&2
    echo "0 passed, 1 failed"; exit 1
  fi
fi

# axe-core for the console's accessibility test (injected into each page by the test; npm, once).
axe=.tools/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$axe" ]; then
  command -v npm >/dev/null 2>&1 || { echo "test.sh: npm is required to install axe-core for the console accessibility test (apt-get install npm)" >&2; echo "0 passed, 1 failed"; exit 1; }
  npm install --prefix .tools/axe --no-audit --no-fund --silent axe-core@4.14.1 >/dev/null || { echo "test.sh: npm install axe-core failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi
export RDLIC_AXE="$PWD/$axe"

results=TestResults
rm -rf "$results"
mkdir -p "$results"
export RDLIC_SCREENSHOTS="$PWD/$results/screenshots"

dotnet build RdLicensing.slnx -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# Storage tests run on both databases, and the license server suite runs a second time on PostgreSQL below.
# The trap comes first: a start that fails half-way must not leave a postmaster behind.
trap 'scripts/throwaway-postgres.sh stop' EXIT
if RDLIC_TEST_POSTGRES=$(scripts/throwaway-postgres.sh start); then
  export RDLIC_TEST_POSTGRES
else
  echo "test.sh: could not start a throwaway PostgreSQL (scripts/throwaway-postgres.sh start); the PostgreSQL tests need it" >&2
  echo "0 passed, 1 failed"; exit 1
fi

status=0
unreported=0
# A test run that fails without writing its .trx (a crashed test host) must still count as a failure.
run_failed() { status=1; [ -f "$results/$1.trx" ] || unreported=$((unreported + 1)); }
for project in tests/*/*.csproj; do
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
  name=$(basename "$project" .csproj)
  echo "== $name"
  # A hung test is stopped after 15 minutes (its name is printed) instead of holding the run until CI's limit.
  dotnet test "$project" -c Release --no-build -nologo -v q --blame-hang-timeout 15m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || run_failed "$name"
done

echo "== RdLicensing.LicenseServer.Tests on PostgreSQL"
RDLIC_TEST_SERVERS_ON=postgres dotnet test tests/RdLicensing.LicenseServer.Tests/RdLicensing.LicenseServer.Tests.csproj -c Release --no-build -nologo -v q \
  --blame-hang-timeout 15m --blame-hang-dump-type none \
  --logger "trx;LogFileName=RdLicensing.LicenseServer.Tests.postgres.trx" --results-directory "$results" || run_failed RdLicensing.LicenseServer.Tests.postgres

# The crash test, short form: kill -9 the license server during load, on SQLite and on PostgreSQL (counts as one test).
echo "== crash test (scripts/crash-test.sh --short)"
if scripts/crash-test.sh --short; then crash_passed=1; crash_failed=0; else crash_passed=0; crash_failed=1; fi

# The Debian package: built, installed, its units verified, each service started as its unit says, removed (one test).
echo "== Debian package (scripts/deb-test.sh)"
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
if $sudo scripts/deb-test.sh; then deb_passed=1; deb_failed=0; else deb_passed=0; deb_failed=1; fi

# dotnet test's own summary is not what CI reads: sum the counters of every .trx.
counter() { # counter NAME FILE -> the attribute's value in the file's <Counters> element
  grep -o '<Counters [^>]*>' "$2" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0
}
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  passed=$((passed + $(counter passed "$trx")))
  skipped=$((skipped + $(counter notExecuted "$trx")))
  for kind in failed error timeout aborted; do failed=$((failed + $(counter "$kind" "$trx"))); done
done
[ "$files" -gt 0 ] || failed=$((failed + 1))
passed=$((passed + crash_passed + deb_passed)); failed=$((failed + crash_failed + deb_failed + unreported))
if [ "${failed:-0}" != 0 ] && command -v python3 >/dev/null; then
  # Name each failed test with the first lines of its message, so a CI log says what broke.
  python3 - "$results"/*.trx <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sys.argv[1:]:
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
            message = r.findtext(".//t:Message", default="", namespaces=ns).strip().splitlines()
            trace = r.findtext(".//t:StackTrace", default="", namespaces=ns).strip().splitlines()
            print("FAILED", r.get("testName"))
            for line in (message[:15] + trace[:8]): print("   ", line)
PY
fi
[ "${failed:-1}" = 0 ] || status=1
[ "${passed:-0}" -gt 0 ] || status=1
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
