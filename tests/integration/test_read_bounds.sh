#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# When the API hangs, a read fails within the bound the README states
# ("Reading and caching"): the client's retry budget (2 x timeout) plus 1 s,
# however many readers there are. Mounted with timeout=2: budget 4 s, bound
# 5 s; each reader must fail within 1.2 x the bound (6 s), the margin the
# issue asks for. Before the fix, one `cat` paid the budget twice (kernel
# revalidation, then a fresh lookup) and readers queued behind one another
# paid it once each: 8, 12, 16 ... 28 s for six readers.
. "$(dirname "$0")/lib.sh"
require_fuse

TIMEOUT=2
BOUND=$((2 * TIMEOUT + 1))
LIMIT=$(awk "BEGIN{print 1.2 * $BOUND}")

sim_start --instances 16 --seed 6 --time-scale 20
fs_mount -o "ttl=1,timeout=$TIMEOUT"
ids=$(ls "$I" | head -n 6)
for id in $ids; do rd "$I/$id/status" >/dev/null; done # every name in the kernel's cache

# timed_read ID: one `cat` of the instance's status; writes "SECONDS STATUS
# ERROR" to $T_WORK/read.ID.
timed_read() {
  local t0 t1 out rc
  t0=$(date +%s.%N)
  out=$(timeout -k 5 120 cat "$I/$1/status" 2>&1)
  rc=$?
  t1=$(date +%s.%N)
  echo "$(awk "BEGIN{print $t1 - $t0}") $rc $out" >"$T_WORK/read.$1"
}

sim_faults '{"hang": 1, "actions": "DescribeCompShareInstance"}'
sleep 1.2 # past the ttl: every read must fetch

# ---- one reader: the revalidation and the fresh lookup pay one budget ----
first=$(echo "$ids" | head -n 1)
timed_read "$first"
read -r secs rc out <"$T_WORK/read.$first"
expect_true "one reader of a hung API fails (status $rc: $out)" test "$rc" -ne 0
expect_match "... with ETIMEDOUT or EIO" "$out" "$(errno_text ETIMEDOUT)|$(errno_text EIO)"
expect_true "... within 1.2 x ${BOUND} s (took $secs s)" awk "BEGIN{exit !($secs <= $LIMIT)}"

# ---- six concurrent readers of six instances ----
sleep 1.2 # past the failure's hold (1 s): a new fetch again
readers=""
for id in $ids; do
  timed_read "$id" &
  readers+=" $!"
done
wait $readers # not a bare wait: the sim and the daemon are children too
for id in $ids; do
  read -r secs rc out <"$T_WORK/read.$id"
  expect_true "concurrent reader of $id fails within 1.2 x ${BOUND} s (took $secs s, status $rc)" \
    awk "BEGIN{exit !($rc != 0 && $secs <= $LIMIT)}"
done

sim_faults_clear
finish
