#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/bench.sh - speed figures for compsharefs, each printed beside a
# baseline measured in the same run (ratios, not absolute times). Nothing here
# asserts: this is a benchmark, not a test. Needs FUSE.
#
#   scripts/bench.sh            all figures
#   BENCH_ONLY="1 4" scripts/bench.sh   only figures 1 and 4
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
. scripts/lib/deps.sh
install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null || exit 1
export COMPSHARE_SIM=$top/build/sim/compshare-sim COMPSHAREFS_BIN=$top/build/src/daemon/compsharefs
. tests/integration/lib.sh
require_fuse

only=${BENCH_ONLY:-1 2 3 4 5 6 7}
wanted() { [[ " $only " == *" $1 "* ]]; }
now() { date +%s.%N; }
elapsed() { awk "BEGIN{print $2 - $1}"; }
fmt() { awk "BEGIN{printf \"%.${2:-2}f\", $1}"; }
row() { printf '  %-44s %s\n' "$1" "$2"; }
restart() { fs_unmount; sim_stop; sim_start "$@"; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
# CPU time of a process so far (user + system), in ms, from /proc/PID/stat.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# figure N TITLE: whether figure N is wanted, its heading printed when it is.
figure() { wanted "$1" || return 1; echo; echo "$1. $2"; }
first_instance() { ls "$MNT/instances" | head -n1; }

echo "compsharefs benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"

if figure 1 "warm open+read+close of instances/ID/status (cache warm: ttl=3600)"; then
  restart --instances 10
  fs_mount -o ttl=3600
  id=$(first_instance)
  shm=$(mktemp -d /dev/shm/compsharefs-bench.XXXXXX)
  cp "$MNT/instances/$id/status" "$shm/status"
  hello=$T_WORK/hello hello_ll=$T_WORK/hello_ll
  mkdir -p "$hello" "$hello_ll"
  build/tests/bench_hellofs "$hello"
  build/tests/bench_hellofs_ll "$hello_ll"
  build/tests/bench_readloop "$MNT/instances/$id/status" 2000 >/dev/null # warm-up
  build/tests/bench_readloop "$hello_ll/status" 2000 >/dev/null
  read -r t_tmpfs _ < <(build/tests/bench_readloop "$shm/status" 50000)
  read -r t_hello _ < <(build/tests/bench_readloop "$hello/status" 20000)
  read -r t_ll _ < <(build/tests/bench_readloop "$hello_ll/status" 50000)
  c0=$(cpu_ticks "$FS_PID")
  read -r t_fs bytes < <(build/tests/bench_readloop "$MNT/instances/$id/status" 50000)
  c1=$(cpu_ticks "$FS_PID")
  hello_pid=$(pgrep -f "bench_hellofs $hello\$" | head -n1)
  h0=$(cpu_ticks "$hello_pid")
  build/tests/bench_readloop "$hello/status" 50000 >/dev/null
  h1=$(cpu_ticks "$hello_pid")
  fusermount3 -u "$hello"
  fusermount3 -u "$hello_ll"
  rm -rf "$shm"
  hz=$(getconf CLK_TCK)
  row "tmpfs (baseline)" "$(fmt "$t_tmpfs/1000" 2) us"
  row "minimal FUSE file, no open, page cache" "$(fmt "$t_ll/1000" 2) us  = $(fmt "$t_ll/$t_tmpfs" 2)x tmpfs"
  row "minimal FUSE file, direct_io (the old design)" "$(fmt "$t_hello/1000" 1) us  = $(fmt "$t_hello/$t_tmpfs" 1)x tmpfs"
  row "compsharefs ($bytes bytes)" "$(fmt "$t_fs/1000" 2) us  = $(fmt "$t_fs/$t_tmpfs" 2)x tmpfs, $(fmt "$t_fs/$t_ll" 2)x the no-open floor"
  row "daemon CPU per 1000 warm reads" "compsharefs $(fmt "($c1 - $c0) / $hz / 50" 4) s; direct_io hello $(fmt "($h1 - $h0) / $hz / 50" 4) s"
fi

if figure 2 "Describe calls: 16 readers of every file of 500 instances for 6 s, ttl=2"; then
  restart --instances 500
  fs_mount -o ttl=2
  sim_stats_reset
  readers=()
  for _ in $(seq 1 16); do
    timeout 6 bash -c 'while :; do cat "$1"/instances/*/* >/dev/null 2>&1; done' _ "$MNT" &
    readers+=($!)
  done
  wait "${readers[@]}" # not a bare wait: the daemon and the simulator are children too
  calls=$(sim_count DescribeCompShareInstance)
  row "limit: one paged round (5 pages) per ttl" "$(( (6 / 2 + 1) * 5 )) calls"
  row "DescribeCompShareInstance calls" "$calls"
  row "all API calls" "$(sim_total)"
fi

if figure 3 "cold listing of 1000 instances, 100 ms API latency"; then
  restart --instances 1000 --latency-ms 100
  fs_mount -o ttl=2
  sleep 2.2 # let the start-up listing go stale: cold
  sim_stats_reset
  t0=$(now); n=$(ls -l "$MNT/instances/" | grep -c '^d'); t1=$(now)
  pages=$(( (n + 99) / 100 ))
  row "$n instances in the region: $pages pages" "serial paging takes >= $(fmt "$pages/10" 2) s ($pages x 100 ms)"
  row "ls -l instances/" "$(fmt "$(elapsed "$t0" "$t1")") s, $(sim_total) API calls"
  sleep 2.2
  sim_stats_reset
  t0=$(now); cat "$MNT"/instances/*/status >/dev/null; t1=$(now)
  row "cat instances/*/status" "$(fmt "$(elapsed "$t0" "$t1")") s, $(sim_total) API calls"
fi

if figure 4 "100 Running instances rebooted at once by 100 shell writers, 100 ms latency"; then
  restart --instances 240 --latency-ms 100
  fs_mount -o ttl=2
  ids=()
  for d in "$MNT"/instances/*/; do
    [ "$(cat "$d/status")" = Running ] && ids+=("$(basename "$d")")
  done
  # Baseline, same run: 10 reboots one after another, by one writer.
  t0=$(now)
  for id in "${ids[@]:0:10}"; do echo reboot >"$MNT/instances/$id/ctl"; done
  t1=$(now)
  serial=$(elapsed "$t0" "$t1")
  before=$(sim_count RebootCompShareInstance) # the baseline's 10
  rest=("${ids[@]:10:100}")
  n=${#rest[@]}
  t0=$(now)
  writers=()
  for id in "${rest[@]}"; do
    (echo reboot >"$MNT/instances/$id/ctl") 2>/dev/null &
    writers+=($!)
  done
  wait "${writers[@]}"
  t1=$(now)
  ok=0
  for id in "${rest[@]}"; do [ "$(cat "$MNT/instances/$id/status")" = Rebooting ] && ok=$((ok + 1)); done
  row "serial baseline, per reboot" "$(fmt "$serial/10" 3) s (so $n would take $(fmt "$serial/10*$n" 1) s)"
  row "$n concurrent writers" "$(fmt "$(elapsed "$t0" "$t1")") s, $ok now Rebooting, $(($(sim_count RebootCompShareInstance) - before)) Reboot calls"
fi

if figure 5 "resident memory of the daemon"; then
  restart --instances 10
  fs_mount
  ls "$MNT/instances" >/dev/null
  small=$(rss_kb "$FS_PID")
  restart --instances 10000
  fs_mount -o timeout=60
  n=$(ls "$MNT/instances" | wc -l)
  sleep 1.5 # the trimmer's next tick (src/fs/trim.c) gives back what decoding freed
  big=$(rss_kb "$FS_PID")
  row "10 instances listed (baseline)" "$((small / 1024)) MiB"
  row "$n instances listed" "$((big / 1024)) MiB ($(( (big - small) * 1024 / (n > 10 ? n - 10 : 1) )) bytes per instance)"
fi

if figure 6 "freshness: a rename behind the mount's back, seen by a reader polling name, ttl=2"; then
  restart --instances 10
  fs_mount -o ttl=2
  id=$(first_instance)
  zone=$(cat "$MNT/instances/$id/zone")
  worst=0
  for n in 1 2 3 4 5; do
    name="fresh-$n-$$"
    sleep 0.$((RANDOM % 9 + 1)) # a change at any point of the cache's life
    t0=$(now)
    sim_api ModifyCompShareInstanceName "Region=${zone%-*}" "Zone=$zone" "UHostId=$id" "Name=$name" >/dev/null
    until [ "$(cat "$MNT/instances/$id/name")" = "$name" ]; do :; done
    d=$(elapsed "$t0" "$(now)")
    worst=$(awk "BEGIN{print ($d > $worst) ? $d : $worst}")
  done
  row "rule: seen within ttl + 0.5 s" "2.5 s"
  row "worst delay of 5 changes" "$(fmt "$worst") s"
fi

fleet=${BENCH_FLEET:-500} # 500: 438 instances in the region
if figure 7 "resident memory after a load: $((fleet - fleet / 8)) instances, ttl=2, for 15 s 16 readers"; then
  echo "   of every file and 4 writers renaming (each rename refreshes the listing)"
  restart --instances "$fleet" --time-scale 100
  fs_mount -o ttl=2
  ids=($(ls "$MNT/instances"))
  cat "$MNT"/instances/*/* >/dev/null 2>&1
  idle=$(rss_kb "$FS_PID")
  load=()
  for _ in $(seq 1 16); do
    timeout 15 bash -c 'while :; do cat "$1"/instances/*/* >/dev/null 2>&1; done' _ "$MNT" &
    load+=($!)
  done
  for w in 0 1 2 3; do
    timeout 15 bash -c 'n=0; while :; do echo "bench-w$2-$n" >"$1/name" 2>/dev/null && n=$((n + 1)) && echo $n >"$3"; done' \
      _ "$MNT/instances/${ids[$w]}" "$w" "$T_WORK/writes.$w" &
    load+=($!)
  done
  c0=$(cpu_ms "$FS_PID")
  wait "${load[@]}"
  busy=$(awk "BEGIN{print ($(cpu_ms "$FS_PID") - $c0) / 1000}")
  after=$(rss_kb "$FS_PID")
  writes=$(cat "$T_WORK"/writes.* 2>/dev/null | awk '{s += $1} END {print s + 0}')
  sleep 12 # past the trim interval: what a quiet daemon gives back
  later=$(rss_kb "$FS_PID")
  row "after the first listing (baseline)" "$((idle / 1024)) MiB"
  row "right after the load" "$((after / 1024)) MiB = $(fmt "$after/$idle" 1)x baseline; $writes renames, $(fmt "$busy" 1) s daemon CPU"
  row "12 s later, idle" "$((later / 1024)) MiB = $(fmt "$later/$idle" 1)x baseline"
fi
