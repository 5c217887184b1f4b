#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every row of the errno table of the contract ("Control files"), checked with
# the errno the writer sees, the API calls the sim counted, and the error
# files. Rows: EINVAL (nothing may reach the API), EBUSY (the operation lock,
# and a custom image being made), EPERM (wrong state), ENOENT (instance,
# image), EEXIST (duplicate image name, docs/errors.md), and writes to
# read-only files.
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 40 --seed 3 --clock manual
fs_mount -o ttl=2

# ---- EBUSY: instance #1 is blocked by the custom image being made from it
# (8043) until the sim's clock, paused here, has moved on 240 s. ----
making=""
for im in $(ls "$MNT/images"); do
  [ "$(rd "$MNT/images/$im/status")" == Making ] && making=$im
done
blocked=""
for d in "$I"/*/; do
  if [ "$(rd "$d/status")" == Stopped ] && [ "$(rd "$d/zone")" == cn-wlcb-02 ] &&
    [ "$(rd "$d/name")" == 推理服务-01 ]; then blocked=$(basename "$d"); fi
done
if [ -n "$blocked" ] && [ "$(rd "$MNT/images/$making/status")" == Making ]; then
  expect_write_errno "start while a custom image is made from the instance" EBUSY \
    "$I/$blocked/ctl" start
  expect_eq "... and it is still Stopped" "$(rd "$I/$blocked/status")" "Stopped"
else
  fail "instance #1 (推理服务-01, Stopped, cn-wlcb-02) with a Making image not found"
fi

# ---- EINVAL: rejected before anything reaches the API ----
R=$(pick_instance Running)
name_r=$(rd "$I/$R/name")
image_r=$(rd "$I/$R/image")
pimg=$(ls "$MNT/platform-images" | head -n1)
sim_stats_reset
expect_raw_errno "unknown command" EINVAL "$I/$R/ctl" $'explode\n'
expect_raw_errno "upper-case command is not a command" EINVAL "$I/$R/ctl" $'REBOOT\n'
expect_raw_errno "reinstall with no argument" EINVAL "$I/$R/ctl" $'reinstall\n'
expect_raw_errno "reinstall bad/id" EINVAL "$I/$R/ctl" $'reinstall bad/id\n'
expect_raw_errno "reinstall with two arguments" EINVAL "$I/$R/ctl" "reinstall $pimg $pimg"$'\n'
expect_raw_errno "reboot with an argument" EINVAL "$I/$R/ctl" $'reboot now\n'
expect_raw_errno "mkimage with no name" EINVAL "$I/$R/ctl" $'mkimage\n'
expect_raw_errno "two commands in one write" EINVAL "$I/$R/ctl" $'reboot\nreboot\n'
expect_raw_errno "a command then a blank line" EINVAL "$I/$R/ctl" $'reboot\n\n'
expect_raw_errno "a newline inside the line" EINVAL "$I/$R/ctl" $'re\nboot'
expect_raw_errno "an empty line" EINVAL "$I/$R/ctl" $'\n'
expect_raw_errno "blanks only" EINVAL "$I/$R/ctl" $'   \t \n'
expect_raw_errno "a control character after the command" EINVAL "$I/$R/ctl" $'reboot\x01\n'
printf 'reboot\0\n' >"$T_WORK/nul"
expect_errno "a NUL byte in the command" EINVAL dd if="$T_WORK/nul" of="$I/$R/ctl" bs=1M count=1 status=none
big=$(printf 'reboot%5000s' '')
expect_raw_errno "a valid command padded past 4 KiB" EINVAL "$I/$R/ctl" "$big"$'\n'
expect_raw_errno "8 KiB of junk" EINVAL "$I/$R/ctl" "$(head -c 8192 /dev/zero | tr '\0' x)"
expect_raw_errno "image file: bad/id" EINVAL "$I/$R/image" $'bad/id\n'
expect_raw_errno "image file: two words" EINVAL "$I/$R/image" "$pimg $pimg"$'\n'
expect_raw_errno "image file: empty line" EINVAL "$I/$R/image" $'\n'
expect_raw_errno "image file: two lines" EINVAL "$I/$R/image" "$pimg"$'\n'"$pimg"$'\n'
expect_raw_errno "name file: empty line" EINVAL "$I/$R/name" $'\n'
expect_raw_errno "name file: two lines" EINVAL "$I/$R/name" $'a\nb\n'
expect_raw_errno "name file: control character" EINVAL "$I/$R/name" $'a\x07b\n'
expect_raw_errno "name file: invalid UTF-8" EINVAL "$I/$R/name" $'bad\xff\xfename\n'
expect_raw_errno "name file: over 4 KiB" EINVAL "$I/$R/name" "$(head -c 5000 /dev/zero | tr '\0' n)"
expect_eq "no EINVAL write reached the API (state-changing requests)" "$(api_changes)" "0"
expect_eq "the instance is untouched: status" "$(rd "$I/$R/status")" "Running"
expect_eq "the instance is untouched: name" "$(rd "$I/$R/name")" "$name_r"
expect_eq "the instance is untouched: image" "$(rd "$I/$R/image")" "$image_r"

# ---- EBUSY: the operation lock ----
L=$(pick_instance Running)
sim_stats_reset
out=$(write_file "$I/$L/ctl" reboot)
expect_eq "first reboot succeeds" "$?:$out" "0:"
expect_write_errno "a second reboot at once hits the operation lock" EBUSY "$I/$L/ctl" reboot
expect_write_errno "stop during the reboot hits the lock" EBUSY "$I/$L/ctl" stop
expect_eq "both reached the API (3 requests)" \
  "$(($(sim_count RebootCompShareInstance) + $(sim_count StopCompShareInstance)))" "3"
expect_match "instance error names the lock" "$(rd "$I/$L/error")" "InstanceOperationInProgress"
expect_match "mount error names the lock" "$(rd "$MNT/error")" "InstanceOperationInProgress"
sim_clock_advance 30
expect_true "after the reboot the lock is gone: Running" wait_for_status "$L" Running 30
out=$(write_file "$I/$L/ctl" reboot)
expect_eq "a reboot after the first one ended succeeds" "$?:$out" "0:"

# ---- EPERM: the state does not allow the command ----
S=$(pick_instance Stopped)
P=$(pick_instance Running)
image_p=$(rd "$I/$P/image")
expect_write_errno "reboot a Stopped instance" EPERM "$I/$S/ctl" reboot
expect_match "instance error holds the API's message" "$(rd "$I/$S/error")" "InvalidInstanceState"
expect_match "mount error holds the same message" "$(rd "$MNT/error")" "InvalidInstanceState"
expect_write_errno "stop a Stopped instance" EPERM "$I/$S/ctl" stop
expect_write_errno "start a Running instance" EPERM "$I/$P/ctl" start
expect_write_errno "reinstall a Running instance" EPERM "$I/$P/ctl" "reinstall $pimg"
expect_write_errno "write image of a Running instance" EPERM "$I/$P/image" "$pimg"
expect_eq "the Running one is still Running" "$(rd "$I/$P/status")" "Running"
expect_eq "its image is unchanged" "$(rd "$I/$P/image")" "$image_p"

# ---- ENOENT ----
expect_write_errno "a command to an unknown instance (cannot even open)" ENOENT \
  "$I/uhost-00000000/ctl" reboot
expect_write_errno "a command to a malformed instance name" ENOENT "$I/uhost-nonexist/ctl" reboot
sim_stats_reset
expect_write_errno "reinstall with an image that does not exist" ENOENT "$I/$S/ctl" \
  "reinstall compshareImage-doesnotexist"
expect_eq "... the API was asked (once)" "$(sim_count ReinstallCompShareInstance)" "1"
expect_match "instance error holds ImageNotFound" "$(rd "$I/$S/error")" "ImageNotFound"
expect_match "mount error holds ImageNotFound" "$(rd "$MNT/error")" "ImageNotFound"
expect_write_errno "image file: an image that does not exist" ENOENT "$I/$S/image" \
  "compshareImage-doesnotexist"
if [ -n "$making" ]; then
  expect_write_errno "reinstall with a custom image still Making" ENOENT "$I/$S/ctl" \
    "reinstall $making"
fi
expect_eq "the Stopped instance is still Stopped" "$(rd "$I/$S/status")" "Stopped"

# ---- EEXIST: mkimage with a name already used (docs/errors.md) ----
used=""
for im in $(ls "$MNT/images"); do
  n=$(rd "$MNT/images/$im/name")
  [[ "$n" =~ ^[^[:space:]]+$ ]] && { used=$n; break; }
done
if [ -n "$used" ]; then
  expect_write_errno "mkimage with the name of an existing image" EEXIST "$I/$P/ctl" "mkimage $used"
  expect_match "instance error holds ImageNameDuplicate" "$(rd "$I/$P/error")" "ImageNameDuplicate"
else
  fail "no custom image name to duplicate"
fi

# ---- read-only files ----
st=$(rd "$I/$P/status")
for f in status error info.json zone gpu_count; do
  expect_errno "writing instance $f fails" "EACCES|EPERM" dd if=/dev/null of="$I/$P/$f" status=none
  expect_write_errno "echo > $f fails" EACCES "$I/$P/$f" "Stopped"
done
expect_eq "status unchanged" "$(rd "$I/$P/status")" "$st"
for f in error metrics; do
  expect_write_errno "echo > /$f fails" EACCES "$MNT/$f" "x"
done
expect_errno "truncate -s 0 status fails" "EACCES|EPERM" truncate -s 0 "$I/$P/status"
expect_true "status still has its content after that" test -s "$I/$P/status"
im=$(ls "$MNT/images" | head -n1)
expect_write_errno "echo > images/ID/status fails" EACCES "$MNT/images/$im/status" "Available"

# ---- EACCES: the API rejects the keys (the sim restarted on the same port
# with another key pair, as when keys are revoked while mounted) ----
port=${SIM_URL##*:}
Q=$(pick_instance Running)
rd "$I/$Q/status" >/dev/null # fresh: the write needs no listing
sim_stop
COMPSHARE_SIM_PRIVATE_KEY=another-key-$$ "$COMPSHARE_SIM" --listen "127.0.0.1:$port" \
  --public-key "$SIM_PUBLIC_KEY" --instances 40 --seed 3 >"$T_WORK/sim2.out" 2>"$T_WORK/sim2.err" &
SIM_PID=$!
for _ in $(seq 1 100); do [ -s "$T_WORK/sim2.out" ] && break; sleep 0.05; done
if [ -s "$T_WORK/sim2.out" ]; then
  expect_write_errno "reboot with keys the API rejects" EACCES "$I/$Q/ctl" reboot
  expect_match "instance error says why (RetCode 171)" "$(rd "$I/$Q/error")" "171"
  sleep 2.5 # past the ttl
  expect_errno "a read with keys the API rejects fails" "EACCES|EIO" cat "$I/$Q/status"
  expect_match "mount error records the read's rejection" "$(rd "$MNT/error")" \
    "^[^ ]+ read [^:]*: EACCES: .*171"
elif grep -q "Address already in use" "$T_WORK/sim2.err"; then
  skip "could not restart the sim on port $port: $(cat "$T_WORK/sim2.err")"
else
  fail "could not restart the sim on port $port: $(cat "$T_WORK/sim2.err")"
fi

finish
