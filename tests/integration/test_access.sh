#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cost, access and cleaning up (contract: Layout, Control files): stop_at in
# every form, firing on the sim's clock; release_time, price, disks, apps/;
# password (write-only, sent once, base64 on the wire, and nowhere else: not in
# the mount, the -d log, events, metrics); terminate (EPERM unless Stopped,
# nothing sent); an image's `delete`; `wait` ending with ENOENT when the
# instance goes. Every refusal is checked against /_sim/stats: nothing sent.
#
# World (docs/simulator.md): seed 12; #i with i%4==1 Stopped (with a
# ReleaseTime), others Running; one custom image Making from #1 (Stopped, in
# cn-wlcb-02); the clock is paused until the test advances it.
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 12 --seed 12 --clock manual
fs_mount -o ttl=1 -d
sched() { echo $(($(sim_count UpdateCompShareStopScheduler) + $(sim_count DeleteCompShareStopScheduler))); }
sim_wall() { curl -s --max-time 10 "$SIM_URL/_sim/clock" | grep -o '"wall"[^,}]*' | grep -o '[0-9]*$'; }

run=$(pick_instance Running)
stopped=$(pick_instance Stopped)
# ---- price, release_time, disks ----
expect_eq "price is InstancePrice as the API gives it" "$(rd "$I/$run/price")" \
  "$(grep -oP '"InstancePrice":\s*\K[0-9.]+' "$I/$run/info.json")"
expect_eq "release_time: empty while Running" "$(rd "$I/$run/release_time")" ""
expect_match "release_time: Unix seconds for a Stopped instance" "$(rd "$I/$stopped/release_time")" '^[0-9]{10}$'
d=$(rd "$I/$run/disks")
expect_eq "disks: each line DISK_ID TYPE SIZE_GB boot|data" "$(grep -cvE '^[^ ]+ [A-Z_]+ [0-9]+ (boot|data)$' <<<"$d")" "0"
expect_eq "disks: exactly one boot disk" "$(grep -c ' boot$' <<<"$d")" "1"
expect_eq "disks: as many as the API's DiskSet" "$(grep -c . <<<"$d")" "$(grep -c '"DiskId"' "$I/$run/info.json")"

# ---- apps/ ----
with_apps=""
for d in "$I"/*/; do
  if [ -n "$(ls "$d/apps" 2>/dev/null)" ]; then with_apps=$(basename "$d"); break; fi
done
if [ -n "$with_apps" ]; then
  app=$(ls "$I/$with_apps/apps" | head -n1)
  ip=$(rd "$I/$with_apps/ip" | head -n1)
  expect_match "apps/$app: its URL, on the instance's address" "$(rd "$I/$with_apps/apps/$app")" "^https?://$ip:[0-9]+/"
  expect_eq "apps/: one file per entry of Softwares" "$(ls "$I/$with_apps/apps" | wc -l)" \
    "$(grep -c '"URL"' "$I/$with_apps/info.json")"
else
  fail "no instance serves any application (the sim gives JupyterLab and others)"
fi
expect_errno "apps/ is a directory: no writing" "EISDIR" sh -c "echo x > '$I/$run/apps'"

# ---- stop_at ----
sim_stats_reset
now=$(date +%s)
out=$(write_file "$I/$run/stop_at" "+2h")
expect_eq "echo +2h > stop_at" "$?:$out" "0:"
expect_eq "... one UpdateCompShareStopScheduler" "$(sim_count UpdateCompShareStopScheduler)" "1"
at=$(rd "$I/$run/stop_at")
expect_true "stop_at reads back two hours from now ($at)" test "$at" -ge $((now + 7200)) -a "$at" -le $((now + 7260))
expect_true "metrics: the scheduled stop" grep -q "^compsharefs_instance_stop_at_timestamp_seconds{uhost_id=\"$run\",.*} $at" "$MNT/metrics"
iso=$(date -u -d "@$((now + 86400))" +%Y-%m-%dT%H:%M:%S+00:00)
out=$(write_file "$I/$run/stop_at" "$iso")
expect_eq "an ISO 8601 time with offset" "$?:$out" "0:"
expect_eq "... reads back as those Unix seconds" "$(rd "$I/$run/stop_at")" "$((now + 86400))"
sim_stats_reset
expect_write_errno "a time in the past" EINVAL "$I/$run/stop_at" "1000"
expect_write_errno "a time without an offset" EINVAL "$I/$run/stop_at" "2030-01-01T18:00:00"
expect_write_errno "no time at all" EINVAL "$I/$run/stop_at" "tomorrow"
expect_eq "refusals sent nothing" "$(sched)" "0"
expect_true "... and the error file says why" grep -q "not in the future\|is no time" "$I/$run/error"
out=$(write_file "$I/$run/stop_at" "none")
expect_eq "echo none > stop_at" "$?:$out" "0:"
expect_eq "... one DeleteCompShareStopScheduler" "$(sim_count DeleteCompShareStopScheduler)" "1"
expect_eq "... stop_at is empty again" "$(rd "$I/$run/stop_at")" ""
out=$(write_raw "$I/$run/stop_at" $'\n')
expect_eq "an empty line cancels too" "$?:$out" "0:"

# a stop that fires: due one minute after the sim's own time
due=$(( $(sim_wall) + 60 ))
[ "$due" -le "$(date +%s)" ] && due=$(( $(date +%s) + 60 )) # never in the past for the mount
out=$(write_file "$I/$run/stop_at" "$due")
expect_eq "stop_at set to a time on the sim's clock" "$?:$out" "0:"
( out=$(write_file "$I/$run/ctl" "wait Stopped 600"); echo "$?:$out" >"$T_WORK/wait.out" ) &
waiter=$!
sleep 0.5 # paused clock: it cannot be Stopped yet
expect_true "wait Stopped blocks while it runs" kill -0 "$waiter"
sim_clock_advance $(( due - $(sim_wall) + 20 )) # the stop fires, and its 20 s pass
wait "$waiter"
expect_eq "the scheduled stop fired: wait Stopped returned" "$(cat "$T_WORK/wait.out")" "0:"
expect_eq "... it is Stopped" "$(rd "$I/$run/status")" "Stopped"
expect_match "... with a release_time now" "$(rd "$I/$run/release_time")" '^[0-9]{10}$'
expect_eq "... and no scheduled stop left" "$(rd "$I/$run/stop_at")" ""
expect_true "events: the state changes" grep -qP "\t$run\t[^\t]*\tstate (Running|Stopping) -> Stopped$" "$MNT/events"

# ---- password ----
pw='N3w Pass-word!'
expect_eq "password is mode 0200" "$(stat -c %a "$I/$run/password")" "200"
if [ "$(id -u)" != 0 ]; then
  expect_errno "cat password: not even its owner reads it" EACCES cat "$I/$run/password"
else # root passes every mode, here as on any filesystem: there is nothing to read
  expect_eq "cat password as root: nothing to read" "$(cat "$I/$run/password" 2>&1; echo "rc=$?")" "rc=0"
fi
sim_stats_reset
expect_write_errno "a password of 65 bytes" EINVAL "$I/$run/password" "$(printf 'p%.0s' $(seq 1 65))"
expect_eq "... nothing sent" "$(sim_count ResetCompShareInstancePassword)" "0"
out=$(write_file "$I/$run/password" "$pw")
expect_eq "echo 'NEW PASSWORD' > password" "$?:$out" "0:"
expect_eq "... one ResetCompShareInstancePassword" "$(sim_count ResetCompShareInstancePassword)" "1"
onwire=$(sim_api DescribeCompShareInstance Region=cn-wlcb "UHostIds.0=$run" | grep -oP '"Password":\s*"\K[^"]+')
expect_eq "the API has it, base64 on the wire" "$(base64 -d <<<"$onwire" 2>/dev/null)" "$pw"
expect_true "the log shows the reset, not the password" grep -q "password (reset)" "$I/$run/log"
leaks=$( { grep -rl -- "$pw" "$MNT" 2>/dev/null; grep -l -- "$pw" "$T_WORK/fs.log";
  grep -l -- "$(printf %s "$pw" | base64 | cut -c1-12)" "$T_WORK/fs.log"; } | head -3)
expect_eq "the password is in no file of the mount, the -d log, events or metrics" "$leaks" ""

# ---- terminate ----
sim_stats_reset
expect_write_errno "terminate a Running instance" EPERM "$I/$(pick_instance Running)/ctl" "terminate"
expect_eq "... nothing sent" "$(sim_count TerminateCompShareInstance)" "0"
victim=$(pick_instance Stopped)
out=$(write_file "$I/$victim/ctl" "terminate")
expect_eq "terminate a Stopped instance" "$?:$out" "0:"
expect_eq "... one TerminateCompShareInstance" "$(sim_count TerminateCompShareInstance)" "1"
expect_eq "... gone from instances/ at once" "$(ls "$I" | grep -cx "$victim")" "0"
expect_errno "... and its files" ENOENT cat "$I/$victim/status"
expect_true "events: gone" grep -qP "\t$victim\t[^\t]*\tgone$" "$MNT/events"
expect_true "events: who terminated it" grep -qP "\t$victim\t[^\t]*\tcommand terminate by uid $(id -u): ok$" "$MNT/events"

# a wait ends with ENOENT when its instance goes (here: terminated by another client)
( out=$(write_file "$I/$stopped/ctl" "wait Running 600"); echo "$?:$out" >"$T_WORK/gone.out" ) &
waiter=$!
sleep 0.5 # the clock is paused: it cannot start meanwhile
expect_true "wait Running blocks while it is Stopped" kill -0 "$waiter"
r=$(sim_api TerminateCompShareInstance Region=cn-wlcb "Zone=$(rd "$I/$stopped/zone")" "UHostId=$stopped")
expect_match "terminated behind the mount's back" "$r" '"RetCode":\s*0'
wait "$waiter"
expect_match "the wait ends: ENOENT" "$(cat "$T_WORK/gone.out")" "^1:.*$(errno_text ENOENT)"

# ---- an image's ctl ----
making=$(ls "$MNT/images" | head -n1)
expect_eq "images/ID/ctl lists delete" "$(rd "$MNT/images/$making/ctl")" "delete"
sim_stats_reset
expect_write_errno "images/ID/ctl takes only delete" EINVAL "$MNT/images/$making/ctl" "remove"
expect_eq "... nothing sent" "$(sim_count TerminateCompShareCustomImage)" "0"
expect_write_errno "delete an image that does not exist" ENOENT "$MNT/images/compshareImage-nosuch1/ctl" "delete"
sim_clock_advance 300 # the image is made
out=$(write_file "$MNT/images/$making/ctl" "delete")
expect_eq "echo delete > images/ID/ctl" "$?:$out" "0:"
expect_eq "... gone from images/" "$(ls "$MNT/images" | grep -cx "$making")" "0"

# ---- rm and friends still delete nothing ----
expect_errno "rm -r of an instance deletes nothing" "EPERM|EACCES|ENOTEMPTY|EISDIR" rm -rf "$I/$run"
expect_eq "... it is still there" "$(ls "$I" | grep -cx "$run")" "1"
expect_true "... its directory too" test -d "$I/$run"
expect_true "... and its ctl file" test -f "$I/$run/ctl"

# ---- -o allow_other: another user can neither read nor write password ----
if command -v setpriv >/dev/null && [ "$(id -u)" == 0 ]; then
  fs_unmount
  chmod 755 "$T_WORK"
  fs_mount -o ttl=1,allow_other
  chmod 755 "$MNT" 2>/dev/null
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  p=$I/$(ls "$I" | head -n1)/password
  out=$(as_nobody cat "$p" 2>&1)
  expect_match "another user cannot read password (0200)" "$out" "Permission denied"
  sim_stats_reset
  out=$(as_nobody sh -c "echo x > '$p'" 2>&1)
  expect_match "another user cannot write it either" "$out" "Permission denied"
  expect_eq "... nothing sent" "$(sim_count ResetCompShareInstancePassword)" "0"
else
  skip "-o allow_other: another user's access needs root and setpriv"
fi

finish
