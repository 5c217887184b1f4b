#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# /metrics as a scraper takes it (contract: "metrics"): promtool finds nothing
# to complain about, and the series a renter alerts on are there: state per
# instance, GPUs, per-GPU utilisation and memory, price.
. "$(dirname "$0")/lib.sh"
require_fuse
# scripts/lib/deps.sh installs promtool: a missing one is a broken setup, not a skip
if ! command -v promtool >/dev/null; then
  fail "promtool is not installed (Debian package prometheus; scripts/lib/deps.sh installs it)"
  check_summary
fi

sim_start --instances 16 --seed 9
fs_mount
m=$(cat "$MNT/metrics")
out=$(printf '%s\n' "$m" | promtool check metrics 2>&1)
expect_eq "promtool check metrics: nothing to complain about" "$?:$out" "0:"
n=$(ls "$I" | wc -l)
expect_eq "one state series per instance" "$(grep -c '^compsharefs_instance_state{' <<<"$m")" "$n"
expect_eq "one GPU-count series per instance" "$(grep -c '^compsharefs_instance_gpus{' <<<"$m")" "$n"
expect_eq "one price series per instance" "$(grep -c '^compsharefs_instance_price{' <<<"$m")" "$n"
gpus=0 # the API reports every card, at 0 when the instance is not running
for d in "$I"/*/; do gpus=$((gpus + $(wc -l <"$d/gpu_usage"))); done
expect_true "the fleet has GPUs reported ($gpus)" test "$gpus" -gt 0
expect_eq "a utilisation series per GPU that gpu_usage shows" \
  "$(grep -c '^compsharefs_gpu_utilization_percent{' <<<"$m")" "$gpus"
expect_eq "a memory series per GPU that gpu_usage shows" \
  "$(grep -c '^compsharefs_gpu_memory_used_percent{' <<<"$m")" "$gpus"
expect_match "a GPU is labelled by its index and the card's name" \
  "$(grep -m1 '^compsharefs_gpu_utilization_percent{' <<<"$m")" 'index="[0-9]+",gpu="[^"]+"\} [0-9.]+$'
finish
