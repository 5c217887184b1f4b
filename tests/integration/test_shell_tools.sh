#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Shell tools as people use them on the tree (contract: "stat reports the exact
# size of what a read returns; cp, tar, rsync, wc, grep -r and find work on the
# tree", "a file read whole in one pass holds one version", and "a file kept
# open sees new content when the value changes").
#
# The first mount has ttl=60, so that nothing changes between two looks at a
# file (except /metrics, which counts every read); the second has ttl=1 and
# watches a Making image's progress move under an open file, moved by the sim's
# clock (paused otherwise, so nothing else moves it).
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 40 --seed 4 --clock manual
fs_mount -o ttl=60

ids=$(ls "$I")
nids=$(echo "$ids" | grep -c .)
id=$(echo "$ids" | sed -n 3p)

# ---- ls ----
out=$(ls -l "$I/$id" 2>&1)
expect_eq "ls -l of an instance: exit status" "$?" "0"
expect_eq "ls -l shows ctl, name, image, stop_at as -rw-r--r--" \
  "$(echo "$out" | grep '^-rw-r--r--' | awk '{print $NF}' | sort | tr '\n' ' ')" "ctl image name stop_at "
expect_eq "ls -l shows password as --w-------" "$(echo "$out" | grep '^--w-------' | awk '{print $NF}')" "password"
expect_eq "ls -l shows no other writable file" "$(echo "$out" | grep -c '^-rw\|^--w')" "5"
expect_true "ls -l shows apps/ as a directory" grep -q '^dr-xr-xr-x.* apps$' <<<"$out"
expect_true "ls -l shows read-only files as -r--r--r--" grep -q '^-r--r--r--.* status$' <<<"$out"
err=$(ls -lR "$MNT" 2>&1 >/dev/null)
expect_eq "ls -lR of the whole mount: no error" "$err" ""
expect_eq "ls -l instances/ lists every instance" "$(ls -l "$I" | grep -c '^dr-xr-xr-x')" "$nids"
expect_eq "ls -l by-name/ shows links" "$(ls -l "$MNT/by-name" | grep '^l' | grep -c ' -> ../instances/uhost-')" \
  "$(ls "$MNT/by-name" | wc -l)"
expect_eq "by-name lists every instance" "$(ls "$MNT/by-name" | wc -l)" "$nids"

# ---- find ----
err=$(find "$MNT" 2>&1 >/dev/null)
expect_eq "find over the whole tree: no error" "$err" ""
expect_eq "find instances -name status: one per instance" "$(find "$I" -name status | wc -l)" "$nids"
expect_eq "find by-name -type l: one link per entry" "$(find "$MNT/by-name" -type l | wc -l)" \
  "$(ls "$MNT/by-name" | wc -l)"
expect_eq "find -L through by-name reaches status files" \
  "$(find -L "$MNT/by-name" -name status 2>/dev/null | wc -l)" "$(ls "$MNT/by-name" | wc -l)"
expect_eq "find -type f -empty: error files of every instance are empty" \
  "$(find "$I" -name error -type f -empty | wc -l)" "$nids"
expect_eq "find -perm: exactly 5 writable files per instance" \
  "$(find "$I" -type f -perm -u+w | wc -l)" "$((5 * nids))"

# ---- stat size == bytes read, for every file (but /metrics, which changes
# with every read: checked through one open below) ----
find "$MNT" -type f ! -path "$MNT/metrics" -printf '%s %p\n' | sort -k2 >"$T_WORK/stat.txt"
# Bytes really read: `wc -c FILE` would trust st_size without reading.
while read -r _ p; do
  echo "$(cat "$p" | wc -c) $p"
done <"$T_WORK/stat.txt" | sort -k2 >"$T_WORK/read.txt"
nfiles=$(wc -l <"$T_WORK/stat.txt")
expect_true "the tree has many files ($nfiles)" test "$nfiles" -gt $((13 * nids))
expect_eq "stat -c %s equals the bytes cat reads, for every file" \
  "$(diff "$T_WORK/stat.txt" "$T_WORK/read.txt" | head -n 10)" ""
bad=""
for f in status name info.json ip; do
  r=$( { stat -c %s -; cat | wc -c; } <"$I/$id/$f" | tr '\n' ' ')
  set -- $r
  [ "$1" == "$2" ] || bad+=" $f($1 vs $2)"
done
expect_eq "fstat of an open file equals the bytes read from it" "$bad" ""
expect_eq "tail -c 8 of info.json equals the end of cat" "$(tail -c 8 "$I/$id/info.json" | od -An -tx1)" \
  "$(cat "$I/$id/info.json" | tail -c 8 | od -An -tx1)"
expect_true "dd bs=7 (many small reads) gives what cat gives" \
  cmp -s <(dd if="$I/$id/info.json" bs=7 status=none) <(cat "$I/$id/info.json")

# ---- tar, cp -r, rsync ----
mkdir -p "$T_WORK/x"
err=$(tar -C "$I" -cf "$T_WORK/i.tar" "$id" 2>&1)
expect_eq "tar c of an instance directory: no warning" "$?:$err" "0:"
tar -C "$T_WORK/x" -xf "$T_WORK/i.tar"
expect_eq "tar x gives identical bytes (diff -r)" "$(diff -r "$T_WORK/x/$id" "$I/$id" 2>&1)" ""
expect_eq "tar holds every file of the directory" "$(ls "$T_WORK/x/$id" | wc -l)" "$(ls "$I/$id" | wc -l)"
making=""
for im in $(ls "$MNT/images"); do
  [ "$(rd "$MNT/images/$im/status")" == Making ] && making=$im
done
if [ -n "$making" ]; then
  err=$(tar -C "$MNT/images" -cf "$T_WORK/m.tar" "$making" 2>&1)
  expect_eq "tar c of a Making image: no warning" "$?:$err" "0:"
  mkdir -p "$T_WORK/xm" && tar -C "$T_WORK/xm" -xf "$T_WORK/m.tar"
  expect_eq "tar x of the image gives identical bytes" "$(diff -r "$T_WORK/xm/$making" "$MNT/images/$making" 2>&1)" ""
fi
mkdir -p "$T_WORK/cp"
err=$(cp -r "$I/$id" "$T_WORK/cp/" 2>&1)
expect_eq "cp -r of an instance directory" "$?:$err" "0:"
expect_eq "cp -r copy equals the originals (diff -r)" "$(diff -r "$T_WORK/cp/$id" "$I/$id" 2>&1)" ""
err=$(cp -r "$MNT/platform-images" "$T_WORK/cp/" 2>&1)
expect_eq "cp -r of platform-images/" "$?:$err" "0:"
expect_eq "that copy equals the originals" "$(diff -r "$T_WORK/cp/platform-images" "$MNT/platform-images" 2>&1)" ""
if command -v rsync >/dev/null; then
  err=$(rsync -r "$I/$id/" "$T_WORK/rs/" 2>&1)
  expect_eq "rsync -r of an instance directory" "$?:$err" "0:"
  expect_eq "rsync copy equals the originals" "$(diff -r "$T_WORK/rs" "$I/$id" 2>&1)" ""
else
  skip "rsync is not installed"
fi

# ---- grep, wc, awk, read ----
running=$(cat "$I"/*/status | grep -cx Running)
g=$(grep -r Running "$I/" 2>"$T_WORK/grep.err")
expect_eq "grep -r Running instances/: one status hit per Running instance" \
  "$(echo "$g" | grep -c '/status:Running$')" "$running"
expect_eq "grep -r: no error" "$(cat "$T_WORK/grep.err")" ""
grep -r zzz-not-anywhere-zzz "$MNT" 2>"$T_WORK/grep.err" >/dev/null
expect_eq "grep -r over the whole mount reads every file (exit 1 = no match, no error)" \
  "$?:$(cat "$T_WORK/grep.err")" "1:"
expect_eq "grep -rl finds an instance by its IP" \
  "$(grep -rlx "$(head -n1 "$I/$id/ip")" "$I" | grep -c "/$id/ip$")" "1"
expect_eq "wc -l instances/*/status: one line per instance" \
  "$(wc -l "$I"/*/status | tail -n1 | awk '{print $1}')" "$nids"
sum=0
for d in $ids; do sum=$((sum + $(cat "$I/$d/gpu_count"))); done
expect_eq "awk sums gpu_count over all instances" "$(awk '{s += $1} END {print s}' "$I"/*/gpu_count)" "$sum"
read -r s <"$I/$id/status"
expect_match "read -r status" "$s" '^(Running|Stopped)$'
bad=0
for _ in $(seq 1 20); do
  s=$(cat "$I/$id/status") || bad=$((bad + 1))
  [[ "$s" =~ ^[A-Z][A-Za-z\ ]+$ ]] || bad=$((bad + 1))
done
expect_eq "20 reads in a row, watch-style, all good" "$bad" "0"
expect_match "head -c 1 info.json" "$(head -c 1 "$I/$id/info.json")" '^\{$'
expect_eq "cat by-name/NAME/status works through the link" \
  "$(cat "$MNT/by-name/$(ls "$MNT/by-name" | head -n1)/status" >/dev/null 2>&1; echo $?)" "0"

# ---- one read, one version: /metrics is rendered anew each ttl ----
fs_unmount
fs_mount -o ttl=1
m1=$(cat "$MNT/metrics")
cat "$I"/*/status "$I"/*/name >/dev/null # counters move
sleep 1.2 # past ttl=1: the next read of /metrics renders it anew
m2=$(cat "$MNT/metrics")
expect_true "a read of metrics past ttl shows the counters moved" test "$m1" != "$m2"
for m in "$m1" "$m2"; do
  expect_eq "metrics read in one pass is well-formed (one version)" \
    "$(printf '%s\n' "$m" | grep -v '^#' | grep . | grep -cvE '^compsharefs_[a-zA-Z0-9_:]*(\{.*\})? [^ ]+$')" "0"
done
expect_eq "stat's size of metrics is what a read returns" \
  "$(stat -c %s "$MNT/metrics")" "$(cat "$MNT/metrics" | wc -c)"

# ---- ... and a Making image's progress under an open file (ttl=1) ----
if [ -n "$making" ] && command -v perl >/dev/null; then
  # One open; each look rewinds and reads again through that same open. The
  # sim's clock moves the progress once perl holds the file open.
  ready=$T_WORK/progress.open
  timeout 60 perl -e '
    open(my $f, "<", $ARGV[0]) or die "open: $!";
    my $first = <$f>; chomp $first;
    open(my $r, ">", $ARGV[1]) or die; close $r;
    for (1 .. 400) {
      select(undef, undef, undef, 0.1);
      seek($f, 0, 0); my $now = <$f>; chomp $now;
      if ($now ne $first) { print "$first $now\n"; exit 0; }
    }
    print "$first\n"; exit 1;' "$MNT/images/$making/progress" "$ready" >"$T_WORK/progress.out" &
  watcher=$!
  for _ in $(seq 1 200); do [ -e "$ready" ] && break; sleep 0.05; done
  sim_clock_advance 30
  wait "$watcher"
  out=$(cat "$T_WORK/progress.out")
  expect_match "an open file sees the new value when it changes ($out)" "$out" '^[0-9.]+ [0-9.]+$'
else
  fail "no Making image to watch (or no perl)"
fi

finish
