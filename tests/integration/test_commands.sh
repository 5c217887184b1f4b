#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every command of the contract ("Control files"), as a user types it, with
# its exact effect: reboot, stop, start, reinstall (ctl and the image file),
# mkimage, rename; `cat ctl`; O_TRUNC and truncate on control files; fresh
# data right after a command; the error files after a failure and a success.
#
# The mount's ttl is 5 s, so a status served from the cache after a command
# would still say the old state: "Rebooting" right after the reboot proves the
# command refreshed the instance. The sim's clock is paused: an operation lasts
# until the test advances it by the operation's duration (docs/simulator.md).
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 40 --seed 2 --clock manual
fs_mount -o ttl=5

images_before=$(ls "$MNT/images")

# echo_ok DESCRIPTION FILE TEXT: `echo TEXT > FILE` succeeds, and says nothing.
echo_ok() {
  local out
  out=$( { echo "$3" >"$2"; } 2>&1)
  expect_eq "$1 succeeds" "$?:$out" "0:"
}

# command_once DESCRIPTION FILE TEXT ACTION: echo_ok, and the sim served
# exactly one ACTION for it.
command_once() {
  sim_stats_reset
  echo_ok "$1" "$2" "$3"
  expect_eq "$4 sent once" "$(sim_count "$4")" "1"
}

# reinstall_by DESCRIPTION FILE TEXT ID IMAGE: `echo TEXT > FILE` reinstalls
# instance ID with IMAGE: one ReinstallCompShareInstance, the instance
# Initializing with IMAGE at once (fresh, not cached), then, 60 s later, Running.
reinstall_by() {
  command_once "$1" "$2" "$3" ReinstallCompShareInstance
  expect_eq "$1: status right after is Initializing" "$(rd "$I/$4/status")" "Initializing"
  expect_eq "$1: image right after is the new image" "$(rd "$I/$4/image")" "$5"
  sim_clock_advance 60
  expect_true "$1: the instance boots to Running" wait_for_status "$4" Running 30
}

# other_image ID [-r]: an Available platform image other than ID, the first in
# name order (-r: the last).
other_image() {
  local p
  for p in $(ls "$MNT/platform-images" | sort ${2:+"$2"}); do
    if [ "$p" != "$1" ] && [ "$(rd "$MNT/platform-images/$p/status")" == Available ]; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# ---- cat ctl ----
A=$(pick_instance Running)
ctl_text=$(rd "$I/$A/ctl")
for c in reboot stop start "reinstall" "mkimage"; do
  expect_true "cat ctl lists $c" grep -qE "^$c( |\$)" <<<"$ctl_text"
done

# ---- reboot: Rebooting at once (not a cached Running), then Running ----
expect_eq "reboot: instance starts Running" "$(rd "$I/$A/status")" "Running"
rd "$I/$A/status" >/dev/null # cached now
command_once "echo reboot > ctl" "$I/$A/ctl" reboot RebootCompShareInstance
expect_eq "status right after reboot is Rebooting (fresh, not cached)" "$(rd "$I/$A/status")" "Rebooting"
sim_clock_advance 30
expect_true "after the reboot the instance is Running again" wait_for_status "$A" Running 30

# ---- stop then start (blank-tolerant writes, no trailing newline) ----
B=$(pick_instance Running)
rd "$I/$B/status" >/dev/null
out=$( { printf 'stop' >"$I/$B/ctl"; } 2>&1)
expect_eq "printf stop > ctl (no newline) succeeds" "$?:$out" "0:"
expect_eq "status right after stop is Stopping" "$(rd "$I/$B/status")" "Stopping"
sim_clock_advance 20
expect_true "stopped instance reaches Stopped" wait_for_status "$B" Stopped 30
out=$( { printf '  start \t\n' >"$I/$B/ctl"; } 2>&1)
expect_eq "'  start \\t' > ctl (surrounding blanks) succeeds" "$?:$out" "0:"
expect_eq "status right after start is Starting" "$(rd "$I/$B/status")" "Starting"
sim_clock_advance 25
expect_true "started instance reaches Running" wait_for_status "$B" Running 30

# ---- start a Stopped instance of the starting fleet ----
S=$(pick_instance Stopped)
echo_ok "echo start > ctl on a Stopped instance" "$I/$S/ctl" start
expect_eq "status right after start is Starting" "$(rd "$I/$S/status")" "Starting"
sim_clock_advance 25
expect_true "it reaches Running" wait_for_status "$S" Running 30

# ---- reinstall IMAGE_ID (ctl) ----
C=$(pick_instance Stopped)
new=$(other_image "$(rd "$I/$C/image")")
reinstall_by "echo 'reinstall $new' > ctl on a Stopped instance" "$I/$C/ctl" "reinstall $new" \
  "$C" "$new"
expect_eq "image shows the new ID after the reinstall" "$(rd "$I/$C/image")" "$new"
expect_match "info.json shows the new image" "$(rd "$I/$C/info.json")" "\"$new\""

# ---- echo IMAGE_ID > image ----
D=$(pick_instance Stopped)
new2=$(other_image "$(rd "$I/$D/image")" -r)
reinstall_by "echo IMAGE_ID > image" "$I/$D/image" "$new2" "$D" "$new2"

# ---- mkimage NAME ----
E=$(pick_instance Running)
iname="测试镜像-$$"
command_once "echo 'mkimage $iname' > ctl" "$I/$E/ctl" "mkimage $iname" CreateCompShareCustomImage
newimg=""
for _ in $(seq 1 100); do
  for im in $(ls "$MNT/images"); do
    grep -qx "$im" <<<"$images_before" && continue
    [ "$(rd "$MNT/images/$im/name")" == "$iname" ] && newimg=$im
  done
  [ -n "$newimg" ] && break
  sleep 0.2
done
expect_match "a new image named $iname appears under images/" "$newimg" '.'
if [ -n "$newimg" ]; then
  expect_eq "the new image is Making" "$(rd "$MNT/images/$newimg/status")" "Making"
  expect_match "the new image has a progress" "$(rd "$MNT/images/$newimg/progress")" '^[0-9]+(\.[0-9])?$'
fi
expect_eq "mkimage leaves the instance Running" "$(rd "$I/$E/status")" "Running"

# ---- rename (name file), by-name follows at once ----
F=$(pick_instance Running)
oldname=$(rd "$I/$F/name")
newname="改名-$$-ok"
rd "$I/$F/name" >/dev/null
ls "$MNT/by-name" >/dev/null
command_once "echo NEW > name" "$I/$F/name" "$newname" ModifyCompShareInstanceName
expect_eq "cat name right after the rename is the new name" "$(rd "$I/$F/name")" "$newname"
expect_eq "by-name/$newname leads to the instance" "$(readlink "$MNT/by-name/$newname")" \
  "../instances/$F"
expect_eq "cat by-name/$newname/name" "$(rd "$MNT/by-name/$newname/name")" "$newname"
if [ "$(grep -lx -- "$oldname" "$I"/*/name 2>/dev/null | wc -l)" == 0 ]; then
  expect_eq "no link for the old name $oldname remains" \
    "$(ls "$MNT/by-name" | grep -cF -- "$oldname")" "0"
fi
expect_match "info.json has the new name" "$(rd "$I/$F/info.json")" "\"$newname\""
out=$( { echo "  name with  inner spaces  " >"$I/$F/name"; } 2>&1)
expect_eq "a name with inner spaces, surrounding blanks trimmed" \
  "$?:$out:$(rd "$I/$F/name")" "0::name with  inner spaces"

# ---- O_TRUNC and truncate ----
G=$(pick_instance Running)
name_g=$(rd "$I/$G/name")
image_g=$(rd "$I/$G/image")
sim_stats_reset
for f in ctl name image; do
  expect_true "truncate -s 0 $f succeeds" truncate -s 0 "$I/$G/$f"
  out=$( { : >"$I/$G/$f"; } 2>&1)
  expect_eq ": > $f (open O_TRUNC, no write) succeeds" "$?:$out" "0:"
done
expect_eq "truncating and empty opens sent no command" "$(api_changes)" "0"
expect_eq "name unchanged by truncation" "$(rd "$I/$G/name")" "$name_g"
expect_eq "image unchanged by truncation" "$(rd "$I/$G/image")" "$image_g"
expect_eq "status unchanged by truncation" "$(rd "$I/$G/status")" "Running"
expect_true "ctl still lists the commands after truncation" grep -q reboot "$I/$G/ctl"

# ---- error files: a failure fills them, a later success empties the instance's ----
H=$(pick_instance Stopped)
expect_eq "instance error is empty before" "$(stat -c %s "$I/$H/error")" "0"
expect_write_errno "reboot of a Stopped instance fails" EPERM "$I/$H/ctl" reboot
e=$(rd "$I/$H/error")
expect_match "instance error holds the API's message" "$e" "InvalidInstanceState"
expect_eq "instance error is one line" "$(rd "$I/$H/error" | wc -l)" "1"
expect_match "mount error holds the API's message" "$(rd "$MNT/error")" "InvalidInstanceState"
expect_eq "stat size of error matches its content" "$(stat -c %s "$I/$H/error")" \
  "$(wc -c <"$I/$H/error")"
echo_ok "a later start of that instance" "$I/$H/ctl" start
expect_eq "instance error is empty after the success" "$(rd "$I/$H/error")" ""
expect_eq "and its size is 0" "$(stat -c %s "$I/$H/error")" "0"
sim_clock_advance 25
expect_true "it reaches Running" wait_for_status "$H" Running 30

# ---- names that are not plain file names; commands through by-name/ ----
K=$(pick_instance Running)
for nm in "a/b-$$" ".." "." "50%-$$" "-dash-$$"; do
  out=$(write_file "$I/$K/name" "$nm")
  expect_eq "rename to '$nm' succeeds" "$?:$out" "0:"
  expect_eq "cat name gives '$nm' back" "$(rd "$I/$K/name")" "$nm"
  hit=""
  for l in $(ls "$MNT/by-name"); do
    [ "$(readlink "$MNT/by-name/$l")" == "../instances/$K" ] && hit=$l
  done
  expect_match "an instance named '$nm' is reachable through by-name/" "$hit" '.'
  [ -n "$hit" ] && expect_eq "... and by-name/<that link>/name reads '$nm'" \
    "$(rd "$MNT/by-name/$hit/name")" "$nm"
  expect_eq "by-name/ holds no '.' or '..' entry of its own" \
    "$(ls -a "$MNT/by-name" | grep -cxE '\.|\.\.')" "2"
done
expect_true "by-name/.. is still the root" test -d "$MNT/by-name/../instances"
out=$(write_file "$I/$K/name" "via-link-$$")
L=$(ls "$MNT/by-name" | grep -x "via-link-$$")
expect_eq "by-name/via-link-$$ exists after the rename" "$L" "via-link-$$"
echo_ok "echo reboot > by-name/NAME/ctl (through the link)" "$MNT/by-name/via-link-$$/ctl" reboot
expect_eq "status through the link right after is Rebooting" \
  "$(rd "$MNT/by-name/via-link-$$/status")" "Rebooting"
sim_clock_advance 30
expect_true "it reaches Running" wait_for_status "$K" Running 30

finish
