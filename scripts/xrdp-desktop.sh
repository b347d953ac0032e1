#!/usr/bin/env bash
# A real desktop on loopback for the relay tests: xrdp 0.9.21 + xorgxrdp in the foreground, its own configuration
# folder, a PAM user, a session that paints a #3060a0 background with an xclock and an xterm.
#   scripts/xrdp-desktop.sh start DIR [PORT [PORT2]]
#                                               installs what is missing (apt-get, as root), starts sesman and xrdp,
#                                               waits until both listen; prints the port. With PORT2 a second xrdp
#                                               listener (its own xrdp-2.ini and xrdp-2.log) shares the one sesman: two
#                                               desktops for the relay on one machine, sessions held by that sesman
#   scripts/xrdp-desktop.sh stop DIR           stops xrdp, the sessions (their window managers) and sesman
# Needs root (PAM, user switching). sesman listens on 3350, machine-wide: one such desktop per machine at a time.
set -euo pipefail
cmd=${1:?usage: xrdp-desktop.sh start|stop DIR [PORT [PORT2]]}
dir=${2:?usage: xrdp-desktop.sh start|stop DIR [PORT [PORT2]]}
port=${3:-33891}
port2=${4:-}
user=${RDLIC_XRDP_USER:-rdpuser}
password=${RDLIC_XRDP_PASSWORD:-Secret123}

listening() { ss -ltnH "sport = :$1" | grep -q .; }
wait_port() { for _ in $(seq 1 200); do listening "$1" && return 0; sleep 0.05; done; echo "xrdp-desktop: nothing listens on port $1 after 10 s ($2)" >&2; return 1; }

case "$cmd" in
start)
  [ "$(id -u)" = 0 ] || { echo "xrdp-desktop: must run as root (xrdp-sesman authenticates with PAM and switches users)" >&2; exit 1; }
  missing=()
  command -v xrdp >/dev/null 2>&1 || missing+=(xrdp xorgxrdp)
  command -v xterm >/dev/null 2>&1 || missing+=(xterm)
  command -v xsetroot >/dev/null 2>&1 || missing+=(x11-xserver-utils)
  command -v xclock >/dev/null 2>&1 || missing+=(x11-apps)
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=180 -y -qq install --no-install-recommends "${missing[@]}" >/dev/null
  fi
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
  echo "$user:$password" | chpasswd
  mkdir -p "$dir" /run/xrdp/sockdir
  chmod 3777 /run/xrdp/sockdir
  # sesman's port is read by xrdp from the system file, whatever -c says: keep it 3350 there.
  listening 3350 && { echo "xrdp-desktop: port 3350 is taken (another xrdp-sesman?): stop it first" >&2; exit 1; }
  [ -f "$dir/key.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  cat > "$dir/startwm.sh" <<'WM'
#!/bin/sh
xsetroot -solid '#3060a0' 2>/dev/null
xclock -geometry 200x200+20+20 -update 1 &
exec xterm -geometry 80x24+250+20 -bg black -fg green -T RDPTEST -e sh -c 'echo "Hello from xrdp session of $USER on $DISPLAY"; date; exec sh'
WM
  chmod 755 "$dir/startwm.sh"
  chmod 755 "$dir"
  cat > "$dir/sesman.ini" <<INI
[Globals]
ListenAddress=127.0.0.1
ListenPort=3350
EnableUserWindowManager=false
UserWindowManager=startwm.sh
DefaultWindowManager=$dir/startwm.sh
ReconnectScript=/etc/xrdp/reconnectwm.sh
[Security]
AllowRootLogin=false
MaxLoginRetry=4
TerminalServerUsers=tsusers
TerminalServerAdmins=tsadmins
AlwaysGroupCheck=false
[Sessions]
X11DisplayOffset=60
MaxSessions=10
KillDisconnected=false
DisconnectedTimeLimit=0
IdleTimeLimit=0
Policy=Default
[Logging]
LogFile=$dir/xrdp-sesman.log
LogLevel=DEBUG
EnableSyslog=false
EnableConsole=false
[Xorg]
param=/usr/lib/xorg/Xorg
param=-config
param=xrdp/xorg.conf
param=-noreset
param=-nolisten
param=tcp
param=-logfile
param=.xorgxrdp.%s.log
[Xvnc]
param=Xvnc
param=-bs
param=-nolisten
param=tcp
param=-localhost
param=-dpi
param=96
[Chansrv]
FuseMountName=thinclient_drives
FileUmask=077
[ChansrvLogging]
LogLevel=INFO
EnableSyslog=false
[SessionVariables]
INI
  cat > "$dir/xrdp.ini" <<INI
[Globals]
ini_version=1
fork=false
port=tcp://127.0.0.1:$port
use_vsock=false
tcp_nodelay=true
tcp_keepalive=true
security_layer=negotiate
crypt_level=high
certificate=$dir/cert.pem
key_file=$dir/key.pem
ssl_protocols=TLSv1.2, TLSv1.3
autorun=Xorg
hidelogwindow=true
allow_channels=true
allow_multimon=true
bitmap_cache=true
bitmap_compression=true
bulk_compression=true
max_bpp=24
new_cursors=true
use_fastpath=both
[Logging]
LogFile=$dir/xrdp.log
LogLevel=DEBUG
EnableSyslog=false
EnableConsole=false
[Channels]
rdpdr=true
rdpsnd=true
drdynvc=true
cliprdr=true
rail=true
xrdpvr=true
tcutils=true
[Xorg]
name=Xorg
lib=libxup.so
username=ask
password=ask
ip=127.0.0.1
port=-1
code=20
INI
  setsid xrdp-sesman -n -c "$dir/sesman.ini" >"$dir/sesman.out" 2>&1 < /dev/null & echo $! > "$dir/sesman.pid"
  wait_port 3350 "xrdp-sesman: see $dir/sesman.out"
  setsid xrdp -n -c "$dir/xrdp.ini" >"$dir/xrdp.out" 2>&1 < /dev/null & echo $! > "$dir/xrdp.pid"
  wait_port "$port" "xrdp: see $dir/xrdp.out"
  if [ -n "$port2" ]; then
    # xrdp finds sesman by the system file's port (3350), so a second listener with its own port and log shares it.
    sed -e "s#^port=tcp://127.0.0.1:$port\$#port=tcp://127.0.0.1:$port2#" -e "s#^LogFile=$dir/xrdp.log\$#LogFile=$dir/xrdp-2.log#" "$dir/xrdp.ini" > "$dir/xrdp-2.ini"
    setsid xrdp -n -c "$dir/xrdp-2.ini" >"$dir/xrdp-2.out" 2>&1 < /dev/null & echo $! > "$dir/xrdp-2.pid"
    wait_port "$port2" "the second xrdp: see $dir/xrdp-2.out"
  fi
  echo "$port"
  ;;
stop)
  [ -f "$dir/xrdp.pid" ] && kill "$(cat "$dir/xrdp.pid")" 2>/dev/null || true
  [ -f "$dir/xrdp-2.pid" ] && kill "$(cat "$dir/xrdp-2.pid")" 2>/dev/null || true
  if [ -f "$dir/sesman.pid" ]; then
    sesman=$(cat "$dir/sesman.pid")
    # Each session is a child of sesman; its window manager (the startwm.sh, exec'd into xterm) ends Xorg and chansrv.
    for s in $(pgrep -P "$sesman" || true); do
      for wm in $(ps -o pid=,cmd= --ppid "$s" | awk '$2 ~ /xterm|startwm/ {print $1}'); do kill "$wm" 2>/dev/null || true; done
    done
    for _ in $(seq 1 60); do [ -z "$(pgrep -P "$sesman" || true)" ] && break; sleep 0.05; done
    kill "$sesman" 2>/dev/null || true
  fi
  for _ in $(seq 1 100); do listening 3350 || break; sleep 0.05; done
  rm -f "$dir/xrdp.pid" "$dir/xrdp-2.pid" "$dir/sesman.pid"
  ;;
*) echo "xrdp-desktop: unknown command $cmd (start or stop)" >&2; exit 2 ;;
esac
