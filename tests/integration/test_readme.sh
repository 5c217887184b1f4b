#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's "Everyday use" examples, taken from README.md as they are
# written and run on the demo's fleet (scripts/demo.sh: 12 instances, seed 7)
# mounted where the README says /mnt/compshare: a newcomer who copies them
# gets what they promise, not "No such file or directory".
. "$(dirname "$0")/lib.sh"
require_fuse

README=$TESTS_DIR/../README.md
sim_start --instances 12 --seed 7 --time-scale 20
fs_mount

# example START_REGEX END_REGEX: the README's lines from START to END, with
# /mnt/compshare replaced by this mount.
example() {
  sed -n "/$1/,/$2/p" "$README" | sed "s|/mnt/compshare|$MNT|g"
}

loop=$(example '^# reboot every running instance' '^done$')
expect_match "README: the reboot loop is there" "$loop" 'echo reboot > "\$link/ctl"'
running=0
for link in "$MNT"/by-name/llm-finetune-*; do
  [ "$(rd "$link/status")" = Running ] && running=$((running + 1))
done
expect_true "the demo fleet has running instances the loop names" test "$running" -ge 1
sim_stats_reset
out=$(timeout -k 5 60 bash -c "$loop" 2>&1)
expect_eq "README's reboot loop: runs without a word of error" "$?:$out" "0:"
expect_eq "README's reboot loop: one reboot per running instance it names" \
  "$(sim_count RebootCompShareInstance)" "$running"

line=$(grep -m1 -o 'grep -H \. [^ ]*/images/\*/progress' "$README" | sed "s|/mnt/compshare|$MNT|")
expect_match "README: image progress is followed with grep -H" "$line" 'grep -H'
out=$(bash -c "$line" 2>&1)
expect_eq "grep -H: each line names its image, then the figure" \
  "$(grep -cvE "^$MNT/images/compshareImage-[^/]+/progress:[0-9.]+$" <<<"$out")" "0"
expect_eq "grep -H: one line per image (the demo has images)" \
  "$(grep -c . <<<"$out"):$(ls "$MNT/images" | wc -l | grep -v '^0$')" \
  "$(ls "$MNT/images" | wc -l):$(ls "$MNT/images" | wc -l)"

finish
