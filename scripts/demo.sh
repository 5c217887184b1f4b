#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/demo.sh - see compsharefs working in one command.
#
#   scripts/demo.sh         install what is missing, build, start compshare-sim
#                           with sample instances, mount on ./mnt, show a tour,
#                           and leave the mount up to explore
#   scripts/demo.sh stop    unmount and stop the simulator
#
# DEMO_MNT (default ./mnt) picks the mount point.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
state=$top/build/demo
mnt=${DEMO_MNT:-$top/mnt}

stop() {
  if mountpoint -q "$mnt" 2>/dev/null; then
    fusermount3 -u "$mnt" && echo "unmounted $mnt"
  fi
  if [ -f "$state/sim.pid" ]; then
    kill "$(cat "$state/sim.pid")" 2>/dev/null && echo "stopped compshare-sim"
    rm -f "$state/sim.pid"
  fi
}

if [ "${1:-}" = "stop" ]; then
  stop
  exit 0
fi

. scripts/lib/deps.sh
install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
stop >/dev/null 2>&1 || true
mkdir -p "$state" "$mnt"

# The simulator's keys, in the credentials file compsharefs reads (mode 600:
# compsharefs warns when a key file is readable by others).
public_key=demo-public-key
private_key=demo-private-key-$RANDOM$RANDOM
umask 077
printf '{"public_key": "%s", "private_key": "%s"}\n' "$public_key" "$private_key" \
  >"$state/credentials.json"
umask 022

# 12 instances; --time-scale 10 makes a 30 s reboot take 3 s.
COMPSHARE_SIM_PRIVATE_KEY=$private_key setsid build/sim/compshare-sim --listen 127.0.0.1:0 \
  --public-key "$public_key" --instances 12 --seed 7 --time-scale 10 \
  >"$state/sim.out" 2>"$state/sim.log" </dev/null &
echo $! >"$state/sim.pid"
for _ in $(seq 1 50); do
  url=$(head -n1 "$state/sim.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "compshare-sim did not start:"; cat "$state/sim.log"; exit 1; }

# In the background its log would go to syslog, which a container may not
# have: keep it in a file instead.
build/src/daemon/compsharefs -o "credentials=$state/credentials.json,endpoint=$url,ttl=1,log_file=$state/compsharefs.log" "$mnt"

# Run a command in the mount as a user would type it; a failing command (the
# tour shows one on purpose) prints its error and the tour goes on.
show() { printf '\n$ %s\n' "$*"; (cd "$mnt" && bash -c "$*" 2>&1) || true; }
echo "compshare-sim is serving $url; compsharefs is mounted on $mnt"
show 'ls'
show 'ls instances/'
id=$(cd "$mnt/instances" && for d in *; do [ "$(cat "$d/status")" = Running ] && { echo "$d"; break; }; done)
show "cat instances/$id/status instances/$id/name instances/$id/gpu_type instances/$id/gpu_count"
show 'ls -l by-name/ | head -5'
show "cat instances/$id/ctl"
show "echo reboot > instances/$id/ctl"
show "cat instances/$id/status"
show "echo 'wait Running 60' > instances/$id/ctl && cat instances/$id/status"
show "echo reboot > instances/$id/ctl; echo reboot > instances/$id/ctl; cat instances/$id/error"
show 'grep -H . zones/*/gpus/4090'
show "echo +2h > instances/$id/stop_at; date -d @\$(cat instances/$id/stop_at)"
show "echo none > instances/$id/stop_at; cat instances/$id/price instances/$id/disks"
show "cat instances/$id/log"
show 'tail -n 6 events'
making=$(cd "$mnt/images" && for d in *; do [ "$(cat "$d/status")" = Making ] && { echo "$d"; break; }; done || true)
if [ -n "$making" ]; then
  show "cat images/$making/name images/$making/progress images/$making/remaining"
fi
show 'grep -h compsharefs_instance_state metrics | head -3'
cat <<MSG

The mount stays up: explore $mnt with ls, cat, echo, watch, grep...
  watch -n1 grep -H . $mnt/instances/*/status
compsharefs logs to $state/compsharefs.log. Stop with: scripts/demo.sh stop
MSG
