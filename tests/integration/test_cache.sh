#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cache, measured with the sim's request counters (contract: "Reading and
# caching"): one paged DescribeCompShareInstance round refreshes every
# instance; many concurrent readers cause at most one round per ttl; listing,
# `ls -l` and `find` make no per-instance calls; an unknown name is answered
# from fresh data without a call; a successful command makes the next read
# fetch.
#
# 300 instances, of which 263 are in region cn-wlcb (the 37 with i%8==7 are in
# cn-sh2): 3 pages of 100 per round.
. "$(dirname "$0")/lib.sh"
require_fuse

PAGES=3
sim_start --instances 300 --seed 5 --clock manual # a reboot lasts until the clock moves

# ---- part 1: ttl=2, 16 concurrent readers of every file of every instance ----
TTL=2
fs_mount -o ttl=$TTL
nids=$(ls "$I" | wc -l)
expect_eq "263 instances listed" "$nids" "263"
ls "$I"/*/ >/dev/null # warm the kernel's name cache too

DURATION=5
sim_stats_reset
t0=$(date +%s%N)
end=$(($(date +%s) + DURATION))
readers=""
# every file a user can read (apps/ is a directory, password is write-only)
mapfile -t files < <(find "$I" -mindepth 2 -maxdepth 2 -type f -perm -u+r)
for r in $(seq 1 16); do
  (
    passes=0 errs=0
    while [ "$(date +%s)" -lt "$end" ]; do
      cat "${files[@]}" >/dev/null 2>>"$T_WORK/reader.$r.err" || errs=$((errs + 1))
      passes=$((passes + 1))
    done
    echo "$passes $errs" >"$T_WORK/reader.$r"
  ) &
  readers+=" $!"
done
wait $readers # not a bare wait: the sim and the daemon are children too
t1=$(date +%s%N)
describes=$(sim_count DescribeCompShareInstance)
total=$(sim_total)
elapsed_ms=$(((t1 - t0) / 1000000))
rounds=$(((elapsed_ms + TTL * 1000 - 1) / (TTL * 1000) + 1))
passes=$(cat "$T_WORK"/reader.[0-9]* | awk '{s += $1} END {print s}')
errs=$(cat "$T_WORK"/reader.[0-9]* | awk '{s += $2} END {print s}')
echo "   16 readers, ${elapsed_ms} ms, $passes passes over all files, $describes Describe calls, $total requests"
expect_true "the readers read every file at least once each" test "$passes" -ge 16
expect_eq "no reader saw an error" "$errs:$(cat "$T_WORK"/reader.*.err | head -n 3)" "0:"
expect_le "Describe calls <= $PAGES pages x (ceil(elapsed/ttl)+1) rounds" "$describes" "$((PAGES * rounds))"
expect_true "the readers did cause refreshes (data no older than ttl)" test "$describes" -ge "$PAGES"
expect_eq "Describe calls come in whole rounds of $PAGES pages" "$((describes % PAGES))" "0"
expect_eq "reading instance files calls nothing but Describe" "$total" "$describes"

# ---- part 2: ttl=6, exact counts ----
fs_unmount
TTL=6
fs_mount -o ttl=$TTL
sleep $((TTL + 1)) # what the mount fetched at start-up is stale now
sim_stats_reset
out=$(ls -l "$I" | grep -c '^d')
expect_eq "ls -l instances/ lists every instance" "$out" "$nids"
expect_eq "ls -l instances/ on a stale cache: one round of $PAGES Describe pages" \
  "$(sim_count DescribeCompShareInstance)" "$PAGES"
expect_eq "ls -l instances/: no other request" "$(sim_total)" "$PAGES"
sim_stats_reset
find "$I" "$MNT/by-name" >/dev/null
ls -l "$I"/*/ >/dev/null
expect_eq "find instances/ by-name/ and ls -l of every instance right after: no request" "$(sim_total)" "0"
sleep $((TTL + 1))
sim_stats_reset
n=$(find "$I" "$MNT/by-name" | wc -l)
expect_true "find lists the tree ($n names)" test "$n" -gt $((13 * nids))
expect_eq "find over instances/ and by-name/ on a stale cache: one round of $PAGES pages" \
  "$(sim_total):$(sim_count DescribeCompShareInstance)" "$PAGES:$PAGES"
sleep $((TTL + 1))
sim_stats_reset
find -L "$MNT/by-name" -name status -exec cat {} + >/dev/null
expect_eq "reading every status through by-name/ on a stale cache: one round" \
  "$(sim_count DescribeCompShareInstance)" "$PAGES"

# An unknown name, with fresh data, is answered without an API call.
ls "$I" >/dev/null
sim_stats_reset
expect_errno "cat instances/uhost-nope/status" ENOENT cat "$I/uhost-nope/status"
expect_errno "cat instances/uhost-00000000/status" ENOENT cat "$I/uhost-00000000/status"
expect_errno "ls instances/uhost-00000000" ENOENT ls "$I/uhost-00000000"
expect_eq "... with a fresh cache: no API call at all" "$(sim_total)" "0"

# Unknown image IDs: any user of an allow_other mount can ask for any name
# under images/, and each unlisted ID costs a DescribeCompShareCustomImages
# call. At most 10 such lookups start per ttl window, beyond the one listing
# round per ttl, however many names are asked for (600 here, by 4 processes).
ls "$MNT/images" >/dev/null
sim_stats_reset
t0=$(date +%s%N)
hammers=""
for h in 1 2 3 4; do
  (
    missing=0
    for n in $(seq 1 150); do
      stat "$MNT/images/compshareImage-h$h-$n-$RANDOM" >/dev/null 2>&1 || missing=$((missing + 1))
    done
    echo "$missing" >"$T_WORK/hammer.$h"
  ) &
  hammers+=" $!"
done
wait $hammers
t1=$(date +%s%N)
windows=$(( ((t1 - t0) / 1000000 + TTL * 1000 - 1) / (TTL * 1000) + 1 ))
expect_eq "600 unknown image IDs: every one is ENOENT" "$(cat "$T_WORK"/hammer.* | awk '{s += $1} END {print s}')" "600"
expect_le "... costing at most (1 listing + 10 lookups) per ttl window ($windows windows)" \
  "$(sim_count DescribeCompShareCustomImages)" "$((windows * 11))"
expect_eq "... and no other request" "$(sim_total)" "$(sim_count DescribeCompShareCustomImages)"
im=$(ls "$MNT/images" | head -n 1)
expect_match "a listed image still reads" "$(rd "$MNT/images/$im/status")" '^[A-Z][a-zA-Z]+$'

# After a successful command the next read fetches (ttl=6 would still serve
# the cached Running).
id=""
for d in "$I"/*/; do
  [ "$(cat "$d/status")" == Running ] && { id=$(basename "$d"); break; }
done
expect_eq "status is Running" "$(cat "$I/$id/status")" "Running"
out=$( { echo reboot >"$I/$id/ctl"; } 2>&1)
expect_eq "reboot accepted" "$?:$out" "0:"
sim_stats_reset
expect_eq "status right after is Rebooting" "$(cat "$I/$id/status")" "Rebooting"
expect_true "that read made a new Describe" test "$(sim_count DescribeCompShareInstance)" -ge 1
sim_stats_reset
cat "$I/$id/status" "$I/$id/name" >/dev/null
expect_eq "the reads after it are served from the cache again" "$(sim_total)" "0"

# Concurrent misses share one request: 16 readers at once on a stale cache.
sleep $((TTL + 1))
sim_stats_reset
readers=""
for r in $(seq 1 16); do
  cat "$I"/*/status >/dev/null &
  readers+=" $!"
done
wait $readers
expect_eq "16 concurrent readers on a stale cache: one round of $PAGES pages" \
  "$(sim_count DescribeCompShareInstance)" "$PAGES"

finish
