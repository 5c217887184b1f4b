#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Faults injected in compshare-sim (docs/simulator.md, "Faults") against a
# mount with -o timeout=2,ttl=1: reads survive latency and string numbers;
# 5xx, RetCode 150, malformed JSON and hangs make reads fail with EIO or
# ETIMEDOUT in bounded time, never stale data; throttling a command is EAGAIN;
# a command whose answer is lost (hang, 5xx, malformed) is sent exactly once and
# reported as of unknown outcome; after the faults are cleared the mount works.
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 16 --seed 6 --clock manual
fs_mount -o ttl=1,timeout=2

A=$(pick_instance Running)
nids=$(ls "$I" | wc -l)
stale() { sleep 1.3; } # past the ttl: the next read must fetch

# recovered DESCRIPTION: after sim_faults_clear, reads work again (bounded).
recovered() {
  local ok=""
  for _ in $(seq 1 40); do
    [[ "$(rd "$I/$A/status")" =~ ^[A-Z] ]] && { ok=1; break; }
    sleep 0.25
  done
  expect_true "$1: reads work again after the faults are cleared" test -n "$ok"
}

# ---- latency: slower, still right ----
sim_faults '{"latency_ms": 300, "jitter_ms": 100}'
stale
s=$(timeout 30 cat "$I/$A/status" 2>&1)
expect_eq "latency 300-400 ms: cat status still works" "$?:$s" "0:Running"
expect_eq "latency: the listing is whole" "$(timeout 60 ls "$I" | wc -l)" "$nids"
sim_faults_clear

# ---- string numbers: every number as a string, all values unchanged ----
stale
vals() {
  local f
  for f in gpu_count cpu memory_mb gpu_memory_gb create_time status zone; do
    printf '%s=%s ' "$f" "$(rd "$I/$A/$f")"
  done
}
before=$(vals)
nimg=$(ls "$MNT/images" | wc -l)
making=""
for im in $(ls "$MNT/images"); do
  [ "$(rd "$MNT/images/$im/status")" == Making ] && making=$im
done
[ -n "$making" ] && total_before=$(rd "$MNT/images/$making/total")
sim_faults '{"string_numbers": true}'
stale
expect_eq "string numbers: instance values read the same" "$(vals)" "$before"
expect_eq "string numbers: the listing is whole (TotalCount as a string)" "$(ls "$I" | wc -l)" "$nids"
expect_eq "string numbers: the images are all listed" "$(ls "$MNT/images" | wc -l)" "$nimg"
if [ -n "$making" ]; then
  expect_match "string numbers: image progress still a percent" \
    "$(rd "$MNT/images/$making/progress")" '^[0-9]+(\.[0-9])?$'
  expect_eq "string numbers: image total the same" "$(rd "$MNT/images/$making/total")" "$total_before"
  expect_match "string numbers: image remaining whole seconds" \
    "$(rd "$MNT/images/$making/remaining")" '^[0-9]+$'
else
  skip "string numbers: no Making image to check progress, total and remaining on"
fi
expect_eq "string numbers: /error stays empty" "$(rd "$MNT/error")" ""
sim_faults_clear

# ---- HTTP 5xx on every request: EIO, bounded ----
sim_faults '{"http_5xx": 1}'
stale
expect_errno "HTTP 5xx always: cat status fails" EIO cat "$I/$A/status"
expect_true "HTTP 5xx: /error records the failure" test -s "$MNT/error"
sim_faults_clear
recovered "HTTP 5xx"

# ---- RetCode 150 (service unavailable) always: EIO after retries ----
sim_faults '{"retcode_150": 1}'
stale
sim_stats_reset
expect_errno "RetCode 150 always: cat status fails" EIO cat "$I/$A/status"
expect_true "RetCode 150: the read was retried" test "$(sim_count DescribeCompShareInstance)" -ge 2
sim_faults_clear
recovered "RetCode 150"

# ---- malformed JSON: EIO ----
sim_faults '{"malformed": 1}'
stale
expect_errno "malformed JSON always: cat status fails" EIO cat "$I/$A/status"
expect_errno "malformed JSON: cat info.json fails too (no stale data)" EIO cat "$I/$A/info.json"
sim_faults_clear
recovered "malformed JSON"

# ---- hang on reads: ETIMEDOUT (or EIO), bounded ----
sim_faults '{"hang": 1, "actions": "DescribeCompShareInstance"}'
stale
expect_errno "hang on Describe: cat status fails" "ETIMEDOUT|EIO" cat "$I/$A/status"
sim_faults_clear
recovered "hang"

# ---- throttled command (RetCode 153 on the reboot only): EAGAIN ----
rd "$I/$A/status" >/dev/null
sim_faults '{"retcode_153": 1, "actions": "RebootCompShareInstance"}'
sim_stats_reset
expect_write_errno "RetCode 153 always on reboot" EAGAIN "$I/$A/ctl" reboot
expect_true "RebootCompShareInstance was tried" test "$(sim_count RebootCompShareInstance)" -ge 1
expect_match "instance error holds the API's message" "$(rd "$I/$A/error")" "[Tt]hrottl"
sim_faults_clear
expect_eq "throttled: nothing was done, still Running" "$(rd "$I/$A/status")" "Running"

# ---- a command whose answer is lost: sent once, outcome unknown ----
lost() { # lost FAULT ERRNOS
  local B
  B=$(pick_instance Running)
  rd "$I/$B/status" >/dev/null
  sim_faults "{\"$1\": 1, \"actions\": \"RebootCompShareInstance\"}"
  sim_stats_reset
  expect_raw_errno "$1 on reboot: the write fails" "$2" "$I/$B/ctl" $'reboot\n'
  expect_eq "$1 on reboot: RebootCompShareInstance sent exactly once" \
    "$(sim_count RebootCompShareInstance)" "1"
  expect_match "$1 on reboot: instance error says the outcome is unknown" \
    "$(rd "$I/$B/error")" "[Uu]nknown"
  expect_match "$1 on reboot: mount error records this reboot, of unknown outcome" \
    "$(rd "$MNT/error")" "reboot $B: .*(unknown|may or may not)"
  sim_faults_clear
  sim_clock_advance 30
  expect_true "$1 on reboot: it ends Running" wait_for_status "$B" Running 30
}
lost hang ETIMEDOUT
lost http_5xx "EIO|ETIMEDOUT"
lost malformed EIO

# ---- after everything: the whole tree reads again ----
stale
err=$(timeout 120 grep -r zzz-none "$MNT/instances" 2>&1 >/dev/null)
expect_eq "after the faults: grep -r over instances/ reads every file" "$?:$err" "1:"

# ---- commands stuck on the API do not block the rest of the mount ----
# 20 renames hang (answer lost, timeout=10); while they are still stuck, a
# read served from the cache and a listing must be answered.
fs_unmount
fs_mount -o ttl=60,timeout=10
C=$(ls "$I" | head -n1)
O=$(ls "$I" | tail -n1)
rd "$I/$O/status" >/dev/null
sim_faults '{"hang": 1, "actions": "ModifyCompShareInstanceName"}'
writers=""
for k in $(seq 1 20); do
  (printf 'stuck-%s\n' "$k" >"$I/$C/name") 2>/dev/null &
  writers+=" $!"
done
sleep 1
s=$(timeout 30 cat "$I/$O/status" 2>&1)
expect_match "while 20 commands hang: cat status of another instance answers" "$s" '^[A-Z][a-z]+$'
n=$(timeout 30 ls "$I" 2>/dev/null | wc -l)
expect_eq "while 20 commands hang: ls instances/ answers" "$n" "$nids"
alive=0
for p in $writers; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
expect_true "... and those answers came while the commands were still stuck ($alive of 20)" \
  test "$alive" -gt 0
sim_faults_clear
for p in $writers; do
  for _ in $(seq 1 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done
alive=0
for p in $writers; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
expect_eq "the stuck commands all end (timeout)" "$alive" "0"

# ---- after a command of unknown outcome, the next read fetches (README:
# "the next read of status fetches what really happened") ----
# A paused sim (the reboot lasts until the clock moves) and ttl=60: a cached
# Running would still be served, while the sim knows the reboot did start.
fs_unmount
sim_stop
sim_start --instances 16 --seed 6 --clock manual
fs_mount -o ttl=60,timeout=2
rm -f "$T_WORK/picked"
U=$(pick_instance Running)
expect_eq "status is Running (cached for 60 s)" "$(rd "$I/$U/status")" "Running"
sim_faults '{"hang": 1, "actions": "RebootCompShareInstance"}'
expect_write_errno "hang on reboot: ETIMEDOUT" ETIMEDOUT "$I/$U/ctl" reboot
sim_faults_clear
expect_eq "the next read of status shows what really happened: Rebooting" \
  "$(rd "$I/$U/status")" "Rebooting"

finish
