#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A command whose answer is lost on the way back is never sent twice (README,
# "Commands and errors"). The mount talks to compshare-sim through
# tests/tools/drop_proxy, which relays every read (keep-alive, so the client
# holds pooled connections) and, for Reboot and CreateCompShareCustomImage,
# forwards the request, waits until the sim has run it, and closes the
# connection without the answer. The writer must get EIO or ETIMEDOUT, the
# error files must say the outcome is unknown, the sim must have received the
# command exactly once, and the next read shows what really happened.
. "$(dirname "$0")/lib.sh"
require_fuse
: "${DROP_PROXY:?DROP_PROXY must name the drop_proxy binary}"

PROXY_PID="" PROXY_URL=""
t_extra_cleanup() {
  if [ -n "$PROXY_PID" ]; then
    kill "$PROXY_PID" 2>/dev/null
    wait "$PROXY_PID" 2>/dev/null
    PROXY_PID=""
  fi
}

# proxy_start ARGS...: drop_proxy in front of the sim; sets PROXY_URL and PROXY_PID.
proxy_start() {
  "$DROP_PROXY" --upstream "$SIM_URL" "$@" >"$T_WORK/proxy.out" 2>"$T_WORK/proxy.err" &
  PROXY_PID=$!
  local i
  for i in $(seq 1 100); do
    PROXY_URL=$(head -n1 "$T_WORK/proxy.out" 2>/dev/null)
    [ -n "$PROXY_URL" ] && return 0
    sleep 0.1
  done
  echo "drop_proxy did not start:"; cat "$T_WORK/proxy.err"
  exit 1
}

sim_start --instances 16 --seed 9 --clock manual # a reboot lasts until the clock moves
proxy_start --drop 'Action=RebootCompShareInstance&' --drop 'Action=CreateCompShareCustomImage&'
fs_mount -o "endpoint=$PROXY_URL,ttl=1,timeout=5"

# ---- echo reboot, three times on three instances ----
for k in 1 2 3; do
  A=$(pick_instance Running)
  rd "$I/$A/status" >/dev/null # a read through the proxy: a pooled, kept-alive connection
  sim_stats_reset
  expect_raw_errno "lost answer $k: echo reboot fails" "EIO|ETIMEDOUT" "$I/$A/ctl" $'reboot\n'
  expect_eq "lost answer $k: RebootCompShareInstance received exactly once" \
    "$(sim_count RebootCompShareInstance)" "1"
  expect_match "lost answer $k: the instance's error says the outcome is unknown" \
    "$(rd "$I/$A/error")" "reboot.*(unknown|may or may not)"
  expect_match "lost answer $k: the mount's error records it" \
    "$(rd "$MNT/error")" "reboot $A: .*(unknown|may or may not)"
  expect_eq "lost answer $k: the next read shows that it ran" "$(rd "$I/$A/status")" "Rebooting"
done

# ---- mkimage: one Create, and the image exists ----
B=$(pick_instance Running)
rd "$I/$B/status" >/dev/null
sim_stats_reset
expect_raw_errno "lost answer: mkimage fails" "EIO|ETIMEDOUT" "$I/$B/ctl" $'mkimage lost-answer-image\n'
expect_eq "lost answer: CreateCompShareCustomImage received exactly once" \
  "$(sim_count CreateCompShareCustomImage)" "1"
expect_match "lost answer: mkimage's error says the outcome is unknown" \
  "$(rd "$I/$B/error")" "(unknown|may or may not)"
found=""
for im in "$MNT"/images/*/; do
  [ "$(rd "$im/name")" == lost-answer-image ] && found=1
done
expect_true "lost answer: the image was made, once" test -n "$found"

finish
