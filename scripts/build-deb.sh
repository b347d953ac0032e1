#!/usr/bin/env bash
# Builds the Debian package of RdLicensing: rdlic published as one self-contained executable (/usr/bin/rdlic), systemd
# units for the license server, the clearinghouse and the session host, their settings in /etc/rdlicensing, data
# under /var/lib/rdlicensing (owner-only), a system user 'rdlicensing', logs to the journal.
#   scripts/build-deb.sh [--out DIR] [--published DIR]   # prints the .deb's path; DIR defaults to ./dist
# --published: package an earlier 'dotnet publish' of rdlic (self-contained, single file) instead of publishing again.
# Needs the .NET 10 SDK (the linux-x64 runtime packs come from NuGet) and dpkg-deb.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
out=dist
published=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --published) published=${2:?--published needs a directory}; shift 2 ;;
    *) echo "build-deb.sh: unknown argument '$1' (use --out DIR, --published DIR)" >&2; exit 2 ;;
  esac
done
command -v dpkg-deb >/dev/null || { echo "build-deb.sh: dpkg-deb is required (apt-get install dpkg)" >&2; exit 1; }

arch=$(dpkg --print-architecture)
case "$arch" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "build-deb.sh: no .NET runtime for architecture $arch" >&2; exit 1 ;; esac
# 1.0.0+<commits>.<hash>: increases with every commit, so an upgrade is an upgrade.
version="1.0.$(git rev-list --count HEAD 2>/dev/null || echo 0)+$(git rev-parse --short HEAD 2>/dev/null || echo local)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/rdlicensing"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/rdlicensing" "$root/usr/share/doc/rdlicensing"

if [ -n "$published" ]; then
  [ -x "$published/rdlic" ] || { echo "build-deb.sh: $published holds no rdlic executable" >&2; exit 1; }
  mkdir -p "$stage/publish"; cp -r "$published"/. "$stage/publish/"
else
log=$(mktemp)
if ! dotnet publish src/RdLicensing.Cli/RdLicensing.Cli.csproj -c Release -r "$rid" --self-contained \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none \
    -o "$stage/publish" -nologo -v q -clp:ErrorsOnly >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "build-deb.sh: dotnet publish failed (above)" >&2; exit 1
fi
rm -f "$log"
fi
rm -f "$stage/publish"/*.pdb
# The executable in /usr/lib/rdlicensing with anything else publish wrote (static web assets, if a page ships some)
# beside it, where the app looks for them; /usr/bin/rdlic links to it.
mkdir -p "$root/usr/lib/rdlicensing"
cp -r "$stage/publish"/. "$root/usr/lib/rdlicensing/"
chmod 0755 "$root/usr/lib/rdlicensing/rdlic"
ln -s ../lib/rdlicensing/rdlic "$root/usr/bin/rdlic"

install -m 0644 packaging/debian/systemd/*.service "$root/lib/systemd/system/"
install -m 0640 packaging/debian/etc/*.json "$root/etc/rdlicensing/"
install -m 0644 README.md "$root/usr/share/doc/rdlicensing/README.md"
cp -r docs "$root/usr/share/doc/rdlicensing/docs"
find "$root/usr/share/doc/rdlicensing" -type d -exec chmod 0755 {} + ; find "$root/usr/share/doc/rdlicensing" -type f -exec chmod 0644 {} +
# The configuration files are conffiles: an upgrade keeps the administrator's edits (dpkg asks when both sides changed).
(cd "$root" && find etc -type f | sed 's|^|/|') > "$root/DEBIAN/conffiles"

size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: rdlicensing
Version: $version
Architecture: $arch
Maintainer: RdLicensing developers <rdlicensing@localhost>
Section: net
Priority: optional
Installed-Size: $size
Depends: libc6, libgcc-s1, libstdc++6, zlib1g, libssl3 | libssl1.1, libicu72 | libicu-dev | libicu76 | libicu74
Homepage: https://github.com/rdlicensing/rdlicensing
Description: Remote Desktop Services licensing: license server, clearinghouse, session host
 An open implementation of RD Licensing: a license server issuing and tracking Per Device and Per User
 CALs, the clearinghouse that activates it and signs key packs, and a session host that decides every
 connection and speaks MS-RDPELE to unmodified RDP clients. 'rdlic' administers all three.
EOF

cat > "$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd rdlicensing >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/rdlicensing --no-create-home --shell /usr/sbin/nologin \
      --comment "RdLicensing services" rdlicensing
  fi
  install -d -m 0750 -o rdlicensing -g rdlicensing /var/lib/rdlicensing
  for role in license-server clearinghouse sessionhost; do
    install -d -m 0700 -o rdlicensing -g rdlicensing /var/lib/rdlicensing/$role
  done
  # The configuration may hold a database password: root writes it, the services read it.
  chown root:rdlicensing /etc/rdlicensing/*.json
  chmod 0640 /etc/rdlicensing/*.json
  # Before the JSON files the settings were flags in RDLIC_ARGS of /etc/rdlicensing/<service>.env; they are no longer read.
  for role in license-server clearinghouse sessionhost; do
    if [ -f /etc/rdlicensing/$role.env ] && grep -q '^RDLIC_ARGS=' /etc/rdlicensing/$role.env; then
      echo "rdlicensing: RDLIC_ARGS in /etc/rdlicensing/$role.env is no longer read: move those settings into /etc/rdlicensing/$role.json (docs/OPERATIONS.md), then delete the line"
    fi
  done
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null || true
    echo "rdlicensing: start the services with 'systemctl enable --now rdlicensing-license-server' (and -clearinghouse, -sessionhost); configuration in /etc/rdlicensing/*.json"
  fi
fi
exit 0
EOF
cat > "$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  for role in sessionhost license-server clearinghouse; do
    systemctl stop rdlicensing-$role.service >/dev/null 2>&1 || true
  done
fi
exit 0
EOF
cat > "$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi
# Licenses are never deleted with the program: purge keeps /var/lib/rdlicensing too (a backup first, then rm -r it).
if [ "$1" = purge ]; then
  echo "rdlicensing: /var/lib/rdlicensing (licenses, identity, credentials) was kept; remove it yourself once backed up"
fi
exit 0
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

mkdir -p "$out"
deb="$out/rdlicensing_${version//+/-}_$arch.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "$deb"
