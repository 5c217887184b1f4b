#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kernel's caches with the contract's freshness (contract: "Reading and
# caching"): a change made behind the mount's back is seen once ttl has
# passed, never later; mtimes are change times (a refresh that changes nothing
# changes no mtime); `tail -f` follows a file that grows; a command stuck on a
# hung API holds no FUSE worker (other reads go on), the writer's Ctrl-C ends
# it with EINTR at once, and the daemon stops promptly even then.
. "$(dirname "$0")/lib.sh"
require_fuse

TTL=2
sim_start --instances 12 --seed 8 --clock manual # nothing changes unless a check makes it
fs_mount -o ttl=$TTL,timeout=30

ids=$(ls "$I")
A=$(echo "$ids" | sed -n 1p)
B=$(echo "$ids" | sed -n 2p)
zone_a=$(rd "$I/$A/zone")

# ---- a change behind the mount's back: seen after ttl, not before it ----
rd "$I/$A/name" >/dev/null
stat -c %s "$I/$A/name" >/dev/null # attributes and pages cached now
r=$(sim_api ModifyCompShareInstanceName "Region=${zone_a%-*}" "Zone=$zone_a" "UHostId=$A" \
  "Name=renamed-behind-$$")
expect_match "the sim renamed $A behind the mount's back" "$r" '"RetCode":0'
sleep $((TTL + 1)) # the mount's own ttl (real time): its cached data is now too old
expect_eq "after ttl, a read shows the change made behind the mount's back" \
  "$(rd "$I/$A/name")" "renamed-behind-$$"

# ---- mtimes are change times ----
m1=$(stat -c %y "$I/$B/name")
sleep $((TTL + 1)) # refreshed; nothing about $B changed (the clock is paused)
cat "$I/$B/name" >/dev/null
m2=$(stat -c %y "$I/$B/name")
expect_eq "a refresh that changes nothing changes no mtime" "$m2" "$m1"
zone_b=$(rd "$I/$B/zone")
sim_api ModifyCompShareInstanceName "Region=${zone_b%-*}" "Zone=$zone_b" "UHostId=$B" \
  "Name=b-renamed-$$" >/dev/null
status1=$(stat -c %y "$I/$B/status")
sleep $((TTL + 1))
m3=$(stat -c %y "$I/$B/name")
expect_true "a changed value has a newer mtime ($m1 -> $m3)" test "$m3" \> "$m1"
expect_eq "the unchanged status of the same instance keeps its mtime" \
  "$(stat -c %y "$I/$B/status")" "$status1"
expect_eq "ls -t puts the renamed name before the unchanged status" \
  "$(ls -t "$I/$B" | grep -nxE 'name|status' | head -n1 | cut -d: -f2)" "name"

# ---- tail -f follows a file that grows: /error gets a line ----
expect_eq "/error is empty at first" "$(rd "$MNT/error")" ""
tail -n +1 -f "$MNT/error" >"$T_WORK/tail.out" 2>&1 &
tail_pid=$!
sleep 0.5
write_file "$I/$A/ctl" "bogus-command" >/dev/null
got=""
for _ in $(seq 1 50); do
  grep -q "bogus-command" "$T_WORK/tail.out" && { got=1; break; }
  sleep 0.2
done
kill "$tail_pid" 2>/dev/null
wait "$tail_pid" 2>/dev/null
expect_true "tail -f /error shows the failure as it happens" test -n "$got"

# ---- commands stuck on a hung API hold no FUSE worker ----
sim_faults '{"hang": 1, "actions": "RebootCompShareInstance"}'
sim_stats_reset
running=$(for d in $ids; do [ "$(rd "$I/$d/status")" == Running ] && echo "$d"; done)
writers=()
for n in $(seq 1 80); do
  d=$(echo "$running" | sed -n "$(((n - 1) % $(echo "$running" | wc -l) + 1))p")
  (exec dd of="$I/$d/ctl" status=none 2>"$T_WORK/w$n.err" <<<"reboot") &
  writers+=($!)
done
sent=0
for _ in $(seq 1 100); do
  sent=$(sim_count RebootCompShareInstance)
  [ "$sent" -ge 1 ] && break
  sleep 0.1
done
expect_true "the hung reboots reached the API ($sent)" test "$sent" -ge 1
alive=0
for p in "${writers[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
expect_eq "80 writers wait for their answer" "$alive" "80"
# 80 writers outnumber the FUSE workers (64): reads still go through
expect_eq "cat error answers while 80 commands hang" \
  "$(timeout 10 cat "$MNT/error" >/dev/null 2>&1; echo $?)" "0"
expect_match "ls and cat of another instance answer too" \
  "$(timeout 10 cat "$I/$B/status" 2>&1)" '^[A-Z][a-z]+$'

# Ctrl-C on the writers: each ends at once with EINTR (the commands were
# sent; their outcome lands in the error files)
kill -INT "${writers[@]}" 2>/dev/null
ended=0
for _ in $(seq 1 100); do
  ended=0
  for p in "${writers[@]}"; do kill -0 "$p" 2>/dev/null || ended=$((ended + 1)); done
  [ "$ended" -eq 80 ] && break
  sleep 0.1
done
expect_eq "every interrupted writer ended" "$ended" "80"
for p in "${writers[@]}"; do wait "$p" 2>/dev/null; done

# ---- SIGTERM while API calls hang: the daemon ends promptly, status 0 ----
before=$(sim_count RebootCompShareInstance)
write_file "$I/$B/ctl" "reboot" >/dev/null 2>&1 &
bg_writer=$!
sent=$before
for _ in $(seq 1 100); do # the reboot reaches the API, and hangs there
  sent=$(sim_count RebootCompShareInstance)
  [ "$sent" -gt "$before" ] && break
  sleep 0.1
done
expect_true "the last reboot reached the API before SIGTERM ($before -> $sent)" test "$sent" -gt "$before"
kill -TERM "$FS_PID"
stopped=""
for _ in $(seq 1 50); do # at most 5 s; it should take about one
  kill -0 "$FS_PID" 2>/dev/null || { stopped=1; break; }
  sleep 0.1
done
expect_true "SIGTERM ends the daemon while API calls hang (within 5 s)" test -n "$stopped"
wait "$bg_writer" 2>/dev/null
sim_faults_clear
finish
