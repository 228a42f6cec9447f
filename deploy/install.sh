#!/usr/bin/env bash
# Installs (or upgrades) the OpenGemini pool as a systemd service. Run it as root from the
# repository after `npx -y pnpm@10 install && npx -y pnpm@10 build`:
#
#   sudo bash deploy/install.sh
#
# What it does, and it is safe to run again (an upgrade is the same command):
#   - creates the system user and group `opengemini` (no login, no home of its own);
#   - creates /opt/opengemini (the program), /etc/opengemini (pool.env, settings) and
#     /var/lib/opengemini (the pool's folder, opengemini 0700: key.txt, upstreams.txt, the client
#     key and the state; the dashboard edits the lists, so they live where the pool may write);
#   - copies pool/dist/main.js (one self-contained file: no node_modules needed) to /opt/opengemini;
#   - creates key.txt and upstreams.txt in /var/lib/opengemini from the examples, and
#     /etc/opengemini/pool.env from deploy/pool.env.example, only if they do not exist yet;
#   - installs deploy/opengemini-pool.service and enables it; starts (or restarts, on upgrade)
#     the pool once key.txt holds a key.
#
# Changes to the unit belong in a drop-in (systemctl edit opengemini-pool): this script rewrites
# the unit file itself on every run.
# Other locations: OPENGEMINI_PREFIX, OPENGEMINI_CONFIG_DIR, OPENGEMINI_STATE_DIR (the unit file
# is rewritten to match), OPENGEMINI_UNIT_DIR.
set -euo pipefail

PREFIX="${OPENGEMINI_PREFIX:-/opt/opengemini}"
CONFIG_DIR="${OPENGEMINI_CONFIG_DIR:-/etc/opengemini}"
STATE_DIR="${OPENGEMINI_STATE_DIR:-/var/lib/opengemini}"
SERVICE_USER=opengemini
UNIT_NAME=opengemini-pool.service
UNIT_PATH="${OPENGEMINI_UNIT_DIR:-/etc/systemd/system}/$UNIT_NAME"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$repo/pool/dist/main.js"

say() { printf 'install: %s\n' "$*"; }
die() {
  printf 'install: %s\n' "$*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root: sudo bash deploy/install.sh"
[ -f "$bundle" ] || die "$bundle not found: build first with  npx -y pnpm@10 install && npx -y pnpm@10 build"
command -v systemctl > /dev/null || die "systemctl not found: this script sets up a systemd service (see the README for Docker)"

# Node.js 20.18 or newer, installed system-wide: the service user cannot reach a version manager
# under /root or /home (and ProtectHome hides them anyway).
node_bin="$(command -v node || true)"
[ -n "$node_bin" ] || die "node not found: install Node.js 20.18+ system-wide (distribution package, NodeSource, or the official tarball under /usr/local)"
node_bin="$(readlink -f "$node_bin")"
case "$node_bin" in
  /root/* | /home/*) die "node is at $node_bin, inside a home directory the service cannot use: install Node.js system-wide" ;;
esac
"$node_bin" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)' ||
  die "Node.js $("$node_bin" --version) is too old: 20.18 or newer is needed"

# 1. The user.
if ! id -u "$SERVICE_USER" > /dev/null 2>&1; then
  nologin="$(command -v nologin || echo /usr/sbin/nologin)"
  useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell "$nologin" "$SERVICE_USER"
  say "created system user $SERVICE_USER"
fi

# 2. Folders (install -d also fixes owner and mode of existing ones).
install -d -o root -g root -m 0755 "$PREFIX"
install -d -o root -g root -m 0755 "$CONFIG_DIR"
install -d -o "$SERVICE_USER" -g "$SERVICE_USER" -m 0700 "$STATE_DIR" "$STATE_DIR/data"

# 3. The program: replaced on every run (an upgrade).
install -o root -g root -m 0644 "$bundle" "$PREFIX/main.js"
for extra in main.js.map main.js.LEGAL.txt; do
  if [ -f "$repo/pool/dist/$extra" ]; then install -o root -g root -m 0644 "$repo/pool/dist/$extra" "$PREFIX/$extra"; fi
done
say "installed $PREFIX/main.js"

# 4. Configuration: created once from the examples, never overwritten.
copy_once() { # <source> <target> <owner> <mode>
  if [ -e "$2" ]; then
    say "kept $2"
  else
    install -o "$3" -g "$3" -m "$4" "$1" "$2"
    say "created $2 (from $(basename "$1"))"
  fi
}
copy_once "$repo/key.txt.example" "$STATE_DIR/key.txt" "$SERVICE_USER" 0600
copy_once "$repo/upstreams.txt.example" "$STATE_DIR/upstreams.txt" "$SERVICE_USER" 0600
copy_once "$repo/deploy/pool.env.example" "$CONFIG_DIR/pool.env" root 0600

# 5. The unit, with this machine's node and the chosen folders.
sed -e "s#^ExecStart=.*#ExecStart=$node_bin $PREFIX/main.js#" \
  -e "s#/etc/opengemini#$CONFIG_DIR#g" \
  -e "s#/var/lib/opengemini#$STATE_DIR#g" \
  "$repo/deploy/$UNIT_NAME" > "$UNIT_PATH.tmp"
chmod 0644 "$UNIT_PATH.tmp"
mv "$UNIT_PATH.tmp" "$UNIT_PATH"
systemctl daemon-reload
systemctl enable "$UNIT_NAME" > /dev/null
say "installed $UNIT_PATH (enabled)"

# 6. Start, or restart after an upgrade, once there is a key to use.
if grep -qvE '^[[:space:]]*(#|$)' "$STATE_DIR/key.txt"; then
  if systemctl is-active --quiet "$UNIT_NAME"; then
    systemctl restart "$UNIT_NAME"
    say "restarted $UNIT_NAME"
  else
    systemctl start "$UNIT_NAME"
    say "started $UNIT_NAME"
  fi
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    if [ -s "$STATE_DIR/access_key.txt" ]; then break; fi
    sleep 0.5
  done
  say "client key: $(cat "$STATE_DIR/access_key.txt" 2> /dev/null || echo "see  journalctl -u $UNIT_NAME")"
else
  say "next: put your Gemini keys in $STATE_DIR/key.txt and your Worker URLs in $STATE_DIR/upstreams.txt"
  say "      (sudo -u $SERVICE_USER nano $STATE_DIR/key.txt), then  systemctl start $UNIT_NAME"
  say "      and read the client key with  cat $STATE_DIR/access_key.txt"
fi
