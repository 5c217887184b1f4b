#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Capacity and creating (contract: Layout "zones/", Control files "create"):
# the region's zones with their GPU stock, read the way a renter scripts it;
# one round of DescribeCompShareSupportZone + DescribeCompShareGpuInventory per
# ttl however much is read; the stock in /metrics; `create` with its defaults,
# `count=`, its refusals (nothing sent for any) and the API's (no stock: ENOSPC);
# the new instances in instances/, by-name/ and events; `wait Running` on one.
#
# World (docs/simulator.md): region cn-wlcb has cn-wlcb-01..03 (IDs 10027..10029);
# stock at start 4090 24/8 in cn-wlcb-01, H20 0 in cn-wlcb-02, no A100 in
# cn-wlcb-03, A100 and H20 never Spot. The clock is paused: a create stays
# Initializing until the test advances it 90 s.
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 8 --seed 11 --clock manual
Z=$MNT/zones

# ---- reading capacity: one round per ttl (ttl=60: nothing expires meanwhile) ----
fs_mount -o ttl=60
sim_stats_reset
expect_eq "ls zones: the region's zones" "$(ls "$Z" | tr '\n' ' ')" "cn-wlcb-01 cn-wlcb-02 cn-wlcb-03 "
expect_eq "a zone has name, gpus/, spot-gpus/" "$(ls "$Z/cn-wlcb-01" | tr '\n' ' ')" "gpus name spot-gpus "
expect_eq "name: the zone's display name" "$(rd "$Z/cn-wlcb-01/name")" "乌兰察布可用区A"
expect_eq "gpus/4090 in cn-wlcb-01: 24 free" "$(rd "$Z/cn-wlcb-01/gpus/4090")" "24"
expect_eq "spot-gpus/4090 in cn-wlcb-01: 8 free" "$(rd "$Z/cn-wlcb-01/spot-gpus/4090")" "8"
expect_eq "gpus/H20 in cn-wlcb-02: sold there, none free" "$(rd "$Z/cn-wlcb-02/gpus/H20")" "0"
expect_errno "gpus/A100 in cn-wlcb-03: not sold there, no file" ENOENT cat "$Z/cn-wlcb-03/gpus/A100"
expect_eq "A100 is never in spot-gpus/" "$(ls "$Z"/*/spot-gpus | grep -c '^A100$')" "0"
expect_errno "a zone of another region is no directory" ENOENT ls "$Z/cn-sh2-01"
# how a renter finds where a 4090 is free
found=$(grep -l . "$Z"/*/gpus/4090 | while read -r f; do
  [ "$(cat "$f")" -gt 0 ] && basename "$(dirname "$(dirname "$f")")"; done | tr '\n' ' ')
expect_eq "zones with 4090s free, by a shell loop" "$found" "cn-wlcb-01 cn-wlcb-02 cn-wlcb-03 "
find "$Z" -type f -exec cat {} + >/dev/null
expect_eq "everything read: one DescribeCompShareSupportZone" "$(sim_count DescribeCompShareSupportZone)" "1"
expect_eq "everything read: one DescribeCompShareGpuInventory" "$(sim_count DescribeCompShareGpuInventory)" "1"
expect_eq "capacity costs no instance listing" "$(sim_count DescribeCompShareInstance)" "0"
expect_true "stat size is what a read gives" \
  test "$(stat -c %s "$Z/cn-wlcb-01/gpus/4090")" -eq "$(cat "$Z/cn-wlcb-01/gpus/4090" | wc -c)"
m=$(cat "$MNT/metrics")
expect_true "metrics: stock per zone, type and pool" grep -qx \
  'compsharefs_gpu_stock{zone="cn-wlcb-01",gpu_type="4090",pool="dedicated"} 24' <<<"$m"
expect_true "metrics: spot stock too" grep -qx \
  'compsharefs_gpu_stock{zone="cn-wlcb-01",gpu_type="4090",pool="spot"} 8' <<<"$m"
if command -v promtool >/dev/null; then
  out=$(promtool check metrics <<<"$m" 2>&1)
  expect_eq "promtool check metrics: nothing to complain about" "$?:$out" "0:"
else
  fail "promtool is not installed (Debian package prometheus; scripts/deps.sh installs it)"
fi
fs_unmount

# ---- create ----
fs_mount -o ttl=1
image=$(ls "$MNT/platform-images" | head -n1)
base="gpu_type=4090 gpus=1 cpu=16 memory_mb=65536 image=$image"
creates() { sim_count CreateCompShareInstance; }

# refusals: EINVAL, nothing sent
sim_stats_reset
expect_write_errno "create without zone= on a mount without a zone option" EINVAL "$MNT/ctl" "create $base"
expect_true "... the error file says zone= is needed" grep -q "zone= is needed" "$MNT/error"
expect_write_errno "create without image=" EINVAL "$MNT/ctl" "create gpu_type=4090 gpus=1 cpu=16 memory_mb=65536 zone=cn-wlcb-01"
expect_write_errno "create with an unknown key" EINVAL "$MNT/ctl" "create $base zone=cn-wlcb-01 colour=red"
expect_write_errno "create with gpus=0" EINVAL "$MNT/ctl" "create gpu_type=4090 gpus=0 cpu=16 memory_mb=65536 image=$image zone=cn-wlcb-01"
expect_write_errno "create with memory_mb not a multiple of 1024" EINVAL "$MNT/ctl" "create gpu_type=4090 gpus=1 cpu=16 memory_mb=65000 image=$image zone=cn-wlcb-01"
expect_write_errno "create with charge_type=Monthly" EINVAL "$MNT/ctl" "create $base zone=cn-wlcb-01 charge_type=Monthly"
expect_write_errno "create with count=21" EINVAL "$MNT/ctl" "create $base zone=cn-wlcb-01 count=21"
expect_write_errno "create on two lines" EINVAL "$MNT/ctl" "create $base"$'\n'"create $base"
expect_write_errno "anything but create" EINVAL "$MNT/ctl" "reboot"
expect_eq "no refusal sent anything" "$(creates)" "0"
expect_eq "cat ctl lists create" "$(rd "$MNT/ctl" | grep -c '^create ')" "1"

# the API's refusals
sim_stats_reset
expect_write_errno "create H20 in cn-wlcb-02 (none free)" ENOSPC "$MNT/ctl" \
  "create gpu_type=H20 gpus=1 cpu=16 memory_mb=65536 image=$image zone=cn-wlcb-02"
expect_true "... the error file has the API's word" grep -q "InsufficientGpuStock" "$MNT/error"
expect_write_errno "create a spot A100 (no spot pool)" EINVAL "$MNT/ctl" \
  "create gpu_type=A100 gpus=1 cpu=16 memory_mb=65536 image=$image zone=cn-wlcb-01 charge_type=Spot"
expect_eq "each refused create was sent once, never again" "$(creates)" "2"

# two at once
before=$(ls "$I" | sort)
sim_stats_reset
out=$(write_file "$MNT/ctl" "create $base zone=cn-wlcb-01 name=grab-4090 count=2")
expect_eq "create count=2 succeeds" "$?:$out" "0:"
expect_eq "count=2: two CreateCompShareInstance, one instance each" "$(creates)" "2"
new=$(comm -13 <(echo "$before") <(ls "$I" | sort))
expect_eq "two new instances in instances/ at once" "$(grep -c . <<<"$new")" "2"
for id in $new; do
  expect_eq "$id: Initializing" "$(rd "$I/$id/status")" "Initializing"
  expect_eq "$id: charge_type Dynamic (never the API's monthly default)" "$(rd "$I/$id/charge_type")" "Dynamic"
  expect_eq "$id: zone as asked" "$(rd "$I/$id/zone")" "cn-wlcb-01"
  expect_eq "$id: its by-name link (two share the name)" "$(readlink "$MNT/by-name/grab-4090@$id")" "../instances/$id"
  expect_true "$id: created, in events" grep -qP "\t$id\tgrab-4090\tcreated$" "$MNT/events"
  expect_true "$id: its log says who made it how" grep -qP "\tuid $(id -u)\tcreate gpu_type=4090 .*\tok $id$" "$I/$id/log"
done
first=$(head -n1 <<<"$new")

# wait Running: returns once the sim's 90 s have passed, with no API call of its own
( out=$(write_file "$I/$first/ctl" "wait Running 300"); echo "$?:$out" >"$T_WORK/wait.out" ) &
waiter=$!
sleep 0.5 # the clock is paused: nothing can make it Running meanwhile
expect_true "wait blocks while the instance is Initializing" kill -0 "$waiter"
sim_clock_advance 90
wait "$waiter"
expect_eq "wait Running returns once it is Running" "$(cat "$T_WORK/wait.out")" "0:"
expect_eq "... and it is" "$(rd "$I/$first/status")" "Running"

# stock leaves the inventory at the API's next refresh (every 300 s)
sim_clock_advance 300
sleep 1.1 # the mount's ttl
expect_eq "after the inventory's refresh: 2 fewer 4090s in cn-wlcb-01" "$(rd "$Z/cn-wlcb-01/gpus/4090")" "22"
fs_unmount

# ---- the zone option is where create goes by default ----
fs_mount -o ttl=1,zone=cn-wlcb-03
sim_stats_reset
out=$(write_file "$MNT/ctl" "create $base")
expect_eq "create with no zone= on a mount with zone=cn-wlcb-03" "$?:$out" "0:"
made=$(grep -oP "\tuhost-[0-9a-f]+\t[^\t]*\tcommand create .* zone=cn-wlcb-03 .*: ok$" "$MNT/events" | wc -l)
expect_eq "... it went to cn-wlcb-03" "$made" "1"
fs_unmount

finish
