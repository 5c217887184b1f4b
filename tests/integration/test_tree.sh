#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tree as the README shows it ("The tree"): every file
# exists with sensible content, modes and times; by-name links resolve (also
# two instances sharing a name, and Chinese names); custom and platform images;
# metrics; and the tree's shape cannot be changed from inside the mount.
#
# World (docs/simulator.md): 40 instances, seed 1: #i with i%8==7 are in
# cn-sh2 and not listed (5), #i with i%4==1 Stopped, the others Running; #0
# and #3 share the name 训练机-01; one custom image Making (from #1).
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 40 --seed 1 --time-scale 5
fs_mount -o ttl=1

# ---- the root ----
expect_eq "root lists the contract's entries" \
  "$(ls "$MNT" | tr '\n' ' ')" \
  "by-gpu by-name by-state by-zone error events images instances metrics platform-images ssh_config "
for d in instances by-name images platform-images; do
  expect_eq "$d/ is a directory 0555" "$(stat -c '%F %a' "$MNT/$d")" "directory 555"
done
for f in error metrics; do
  expect_eq "/$f is a regular file 0444" "$(test -f "$MNT/$f" && stat -c %a "$MNT/$f")" "444"
done
expect_eq "/error is empty before any failure" "$(stat -c %s "$MNT/error")" "0"
expect_eq "mount root is 0555" "$(stat -c %a "$MNT")" "555"

# ---- instances ----
ids=$(ls "$I")
expect_eq "instances/ lists the 35 instances of region cn-wlcb (40 less 5 in cn-sh2)" \
  "$(echo "$ids" | grep -c .)" "35"
expect_eq "every entry of instances/ is an UHostId" \
  "$(echo "$ids" | grep -cvE '^uhost-[0-9a-f]{8}$')" "0"

n_running=0 n_stopped=0
bad_mode="" bad_nl="" bad_one_line="" bad_time="" bad_value="" missing=""
for id in $ids; do
  d=$I/$id
  [ "$(stat -c '%F %a' "$d")" == "directory 555" ] || bad_mode+=" $id/"
  for f in status name image ctl error zone gpu_type gpu_count cpu memory_mb ip ssh info.json; do
    if [ ! -f "$d/$f" ]; then missing+=" $id/$f"; continue; fi
    case $f in
      ctl | name | image) want=644 ;;
      *) want=444 ;;
    esac
    [ "$(stat -c %a "$d/$f")" == "$want" ] || bad_mode+=" $id/$f=$(stat -c %a "$d/$f")"
    [ "$(stat -c %Y "$d/$f")" -gt 0 ] || bad_time+=" $id/$f"
  done
  [ "$(stat -c %Y "$d")" -gt 0 ] || bad_time+=" $id/"
  # Every file of the directory: a text file that is empty or ends with a newline.
  for p in "$d"/*; do
    f=$(basename "$p")
    if [ -s "$p" ] && [ "$(tail -c1 "$p" | od -An -c | tr -d ' ')" != '\n' ]; then
      bad_nl+=" $id/$f"
    fi
  done
  # One value per file: exactly one line.
  for f in status name image zone gpu_type gpu_count cpu memory_mb ssh; do
    [ "$(wc -l <"$d/$f")" == 1 ] || bad_one_line+=" $id/$f"
  done
  st=$(rd "$d/status")
  case $st in
    Running) n_running=$((n_running + 1)) ;;
    Stopped) n_stopped=$((n_stopped + 1)) ;;
    *) bad_value+=" $id/status=$st" ;;
  esac
  [[ "$(rd "$d/image")" =~ ^[A-Za-z0-9_-]+$ ]] || bad_value+=" $id/image"
  [[ "$(rd "$d/zone")" =~ ^cn-wlcb-0[123]$ ]] || bad_value+=" $id/zone=$(rd "$d/zone")"
  [[ "$(rd "$d/gpu_type")" =~ ^(4090|3090|A100|H20|L40S|4090D)$ ]] ||
    bad_value+=" $id/gpu_type=$(rd "$d/gpu_type")"
  [[ "$(rd "$d/gpu_count")" =~ ^(1|2|4|8)$ ]] || bad_value+=" $id/gpu_count=$(rd "$d/gpu_count")"
  [[ "$(rd "$d/cpu")" =~ ^[1-9][0-9]*$ ]] || bad_value+=" $id/cpu=$(rd "$d/cpu")"
  [[ "$(rd "$d/memory_mb")" =~ ^[1-9][0-9]*$ ]] || bad_value+=" $id/memory_mb"
  # ip: one address per line, a public and a private IPv4.
  ips=$(rd "$d/ip")
  if [ "$(echo "$ips" | grep -cE '^([0-9]{1,3}\.){3}[0-9]{1,3}$')" -lt 2 ] ||
    echo "$ips" | grep -qvE '^([0-9]{1,3}\.){3}[0-9]{1,3}$'; then
    bad_value+=" $id/ip=[$ips]"
  fi
  [[ "$(rd "$d/ssh")" == *ssh* ]] || bad_value+=" $id/ssh=$(rd "$d/ssh")"
  [ -n "$(rd "$d/name")" ] || bad_value+=" $id/name(empty)"
  j=$(rd "$d/info.json")
  [[ "$j" == "{"*"}" ]] || bad_value+=" $id/info.json(not an object)"
  [[ "$j" == *"\"UHostId\""*"\"$id\""* ]] || bad_value+=" $id/info.json(no UHostId)"
  [[ "$j" == *Password* ]] && bad_value+=" $id/info.json(has Password)"
  [ "$(stat -c %s "$d/error")" == 0 ] || bad_value+=" $id/error(not empty)"
done
expect_eq "every instance has the contract's files" "$missing" ""
expect_eq "modes: dirs 0555, ctl/name/image 0644, other files 0444" "$bad_mode" ""
expect_eq "every non-empty file ends with a newline" "$bad_nl" ""
expect_eq "single-value files hold exactly one line" "$bad_one_line" ""
expect_eq "timestamps are set" "$bad_time" ""
expect_eq "values look like what the API holds" "$bad_value" ""
expect_eq "states as the sim starts them: 25 Running, 10 Stopped" \
  "$n_running/$n_stopped" "25/10"

id0=$(echo "$ids" | head -n1)
ctl_text=$(rd "$I/$id0/ctl")
for c in reboot stop start reinstall mkimage; do
  expect_true "cat ctl lists '$c'" grep -qE "^$c( |\$)" <<<"$ctl_text"
done
expect_eq "info.json never carries the password key" \
  "$(grep -l Password "$I"/*/info.json 2>/dev/null | wc -l)" "0"
expect_true "info.json keeps the API's other fields (GpuType, IPSet)" \
  grep -q '"IPSet"' "$I/$id0/info.json"
expect_errno "an unknown instance is ENOENT" ENOENT cat "$I/uhost-00000000/status"
expect_errno "an unknown file of an instance is ENOENT" ENOENT cat "$I/$id0/no-such-file"

# ---- by-name ----
# Every instance is reached by a link whose name holds the instance's name and
# that resolves to it; no link dangles.
links=$(ls "$MNT/by-name")
dangling="" unreached="" badname=""
for l in $links; do
  [ -L "$MNT/by-name/$l" ] || { dangling+=" $l(not a link)"; continue; }
  t=$(readlink "$MNT/by-name/$l")
  [[ "$t" =~ ^\.\./instances/uhost-[0-9a-f]{8}$ ]] || { dangling+=" $l->$t"; continue; }
  [ -d "$MNT/by-name/$l/" ] || dangling+=" $l->$t"
done
for id in $ids; do
  name=$(rd "$I/$id/name")
  found=""
  for l in $links; do
    if [ "$(readlink "$MNT/by-name/$l")" == "../instances/$id" ]; then
      found=$l
      [[ "$l" == *"$name"* ]] || badname+=" $l(for $name)"
    fi
  done
  [ -n "$found" ] || unreached+=" $id($name)"
done
expect_eq "every by-name entry is a link to an existing instance" "$dangling" ""
expect_eq "every instance is reachable by name" "$unreached" ""
expect_eq "each link's name holds its instance's name" "$badname" ""
expect_eq "by-name link is a symlink 0777" "$(stat -c '%F %a' "$MNT/by-name/推理服务-01")" \
  "symbolic link 777"

# Chinese names: 推理服务-01 is instance #1's alone.
t=$(readlink "$MNT/by-name/推理服务-01")
expect_match "by-name/推理服务-01 is a link to an instance" "$t" '^\.\./instances/uhost-[0-9a-f]{8}$'
expect_eq "cat by-name/推理服务-01/name" "$(rd "$MNT/by-name/推理服务-01/name")" "推理服务-01"
expect_eq "by-name/推理服务-01/status is the instance's" \
  "$(rd "$MNT/by-name/推理服务-01/status")" "$(rd "$I/${t##*/}/status")"

# #0 and #3 share 训练机-01: both reachable, by links that each name one.
shared=$(grep -lx 训练机-01 "$I"/*/name | awk -F/ '{print $(NF-1)}')
expect_eq "two instances are named 训练机-01" "$(echo "$shared" | grep -c .)" "2"
targets=""
for l in $links; do
  [[ "$l" == *训练机-01* ]] && targets+="$(basename "$(readlink "$MNT/by-name/$l")") "
done
for id in $shared; do
  expect_match "instance $id named 训练机-01 has its own link" "$targets" "$id"
done
expect_eq "the links for 训练机-01 lead to distinct instances" \
  "$(echo $targets | tr ' ' '\n' | sort | uniq -d)" ""

# Rename one instance to collide with another's name: both stay reachable.
a=$(readlink "$MNT/by-name/bench-01")
a=${a##*/}
if [ -n "$a" ]; then
  err=$(write_file "$I/$a/name" "推理服务-01")
  expect_eq "rename bench-01 to 推理服务-01 succeeds" "$err" ""
  expect_eq "the renamed instance's name file" "$(rd "$I/$a/name")" "推理服务-01"
  links=$(ls "$MNT/by-name")
  to=""
  for l in $links; do
    [[ "$l" == *推理服务-01* ]] && to+="$(basename "$(readlink "$MNT/by-name/$l")") "
  done
  b=$(echo "$to" | tr ' ' '\n' | grep -vx "$a" | grep .)
  expect_match "after the collision the renamed instance has a link" "$to" "$a"
  expect_eq "after the collision the other 推理服务-01 keeps a link" "$(echo "$b" | grep -c .)" "1"
  expect_eq "no link named bench-01 is left" "$(ls "$MNT/by-name" | grep -cx bench-01)" "0"
else
  fail "no by-name/bench-01 to rename"
fi

# ---- custom images ----
imgs=$(ls "$MNT/images")
expect_true "images/ lists custom images" test "$(echo "$imgs" | grep -c .)" -ge 3
making="" unavail=""
bad_img=""
for im in $imgs; do
  d=$MNT/images/$im
  [ "$(stat -c '%F %a' "$d")" == "directory 555" ] || bad_img+=" $im/(mode)"
  for f in status progress remaining total name info.json; do
    { [ -f "$d/$f" ] && [ "$(stat -c %a "$d/$f")" == 444 ]; } || bad_img+=" $im/$f"
  done
  s=$(rd "$d/status")
  [[ "$s" =~ ^(Making|Available|UnAvailable|Reviewing|Offline)$ ]] || bad_img+=" $im/status=$s"
  [ "$s" == Making ] && making+=" $im"
  [ "$s" == UnAvailable ] && unavail+=" $im"
  [[ "$(rd "$d/info.json")" == *"\"$im\""* ]] || bad_img+=" $im/info.json"
  [ -n "$(rd "$d/name")" ] || bad_img+=" $im/name"
done
expect_eq "every image has status/progress/remaining/total/name/info.json, 0444, sane status" \
  "$bad_img" ""
making=${making# }
expect_eq "one custom image is Making" "$(echo $making | wc -w)" "1"
expect_true "one custom image is UnAvailable" test -n "$unavail"
if [ -n "$making" ]; then
  d=$MNT/images/$making
  p1=$(rd "$d/progress")
  expect_match "Making image: progress is a percent" "$p1" '^[0-9]+(\.[0-9])?$'
  expect_true "Making image: 0 <= progress < 100" awk -v p="$p1" 'BEGIN{exit !(p>=0 && p<100)}'
  expect_match "Making image: remaining is whole seconds > 0" "$(rd "$d/remaining")" '^[1-9][0-9]*$'
  expect_match "Making image: total is whole seconds > 0" "$(rd "$d/total")" '^[1-9][0-9]*$'
  expect_true "Making image: remaining <= total" test "$(rd "$d/remaining")" -le "$(rd "$d/total")"
  p2=$p1
  for _ in $(seq 1 40); do
    sleep 0.5
    p2=$(rd "$d/progress")
    awk -v a="$p1" -v b="$p2" 'BEGIN{exit !(b>a)}' && break
  done
  expect_true "Making image: progress increases over time ($p1 -> $p2)" \
    awk -v a="$p1" -v b="$p2" 'BEGIN{exit !(b>a)}'
fi
expect_errno "images/<unknown id> is ENOENT" ENOENT cat "$MNT/images/compshareImage-doesnotexist/status"
expect_errno "ls images/<unknown id> is ENOENT" ENOENT ls "$MNT/images/compshareImage-doesnotexist"

# ---- platform images ----
pimgs=$(ls "$MNT/platform-images")
expect_true "platform-images/ lists at least the 9 System and App images" \
  test "$(echo "$pimgs" | grep -c .)" -ge 9
bad_p=""
for im in $pimgs; do
  d=$MNT/platform-images/$im
  for f in name status info.json; do
    { [ -f "$d/$f" ] && [ "$(stat -c %a "$d/$f")" == 444 ]; } || bad_p+=" $im/$f"
  done
  [ "$(rd "$d/status")" == Available ] || bad_p+=" $im/status=$(rd "$d/status")"
  [ -n "$(rd "$d/name")" ] || bad_p+=" $im/name"
  [[ "$(rd "$d/info.json")" == "{"*"\"$im\""*"}" ]] || bad_p+=" $im/info.json"
done
expect_eq "every platform image has name/status/info.json, Available" "$bad_p" ""
expect_eq "platform image names include Ubuntu and PyTorch" \
  "$(cat "$MNT"/platform-images/*/name | grep -ciE 'ubuntu|pytorch' | awk '{print ($1>=2)}')" "1"
pid=$(echo "$pimgs" | head -n1)
expect_errno "a platform image ID is not a custom image: images/<platform id> is ENOENT" ENOENT \
  cat "$MNT/images/$pid/status"

# ---- metrics ----
m=$(rd "$MNT/metrics")
expect_true "metrics is not empty" test -n "$m"
expect_eq "every sample's name starts with compsharefs_" \
  "$(echo "$m" | grep -v '^#' | grep . | grep -cv '^compsharefs_')" "0"
expect_eq "every sample line is 'name{labels} value'" \
  "$(echo "$m" | grep -v '^#' | grep . | grep -cvE '^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+]?([0-9.eE+-]+|NaN|[+-]?Inf)$')" "0"
expect_true "metrics has # TYPE lines" grep -q '^# TYPE compsharefs_' <<<"$m"
line=$(echo "$m" | grep "uhost_id=\"$id0\"" | grep 'state="' | head -n1)
expect_match "an instance series carries uhost_id, name, zone and state" "$line" \
  "uhost_id=\"$id0\""
for lab in name zone state; do
  expect_match "instance series label $lab=" "$line" "$lab=\""
done
expect_match "instance series state label is the status" "$line" "state=\"$(rd "$I/$id0/status")\""
expect_eq "one state series per instance" \
  "$(echo "$m" | grep 'uhost_id="' | grep 'state="' | grep -o 'uhost_id="[^"]*"' | sort -u | wc -l)" \
  "35"
expect_true "metrics count API requests by action and result" \
  grep -qE '^compsharefs_[a-z_]*\{.*action="DescribeCompShareInstance".*result="[^"]+".*\} [0-9]' <<<"$m"
expect_true "metrics carry the API latency (a histogram)" \
  grep -qE '^compsharefs_[a-z_]*(latency|duration)[a-z_]*_bucket\{.*le="' <<<"$m"
g=$(echo "$m" | grep -iE '^compsharefs_[a-z_]*gpu(_count|s)[a-z_]*\{' | grep "uhost_id=\"$id0\"" | head -n1)
expect_eq "metrics: the GPU count series of an instance holds its gpu_count" \
  "${g##* }" "$(rd "$I/$id0/gpu_count")"
if [ -n "$making" ]; then
  expect_true "metrics: an image progress series for the Making image" \
    grep -qE "^compsharefs_[a-z_]*progress[a-z_]*\{.*\"$making\".*\} [0-9.]+$" <<<"$m"
fi
expect_true "metrics carry cache hits and misses" grep -qiE '^compsharefs_[a-z_]*cache[a-z_]*(hit|miss)' <<<"$m"

# ---- the shape cannot be changed ----
before=$(cd "$MNT" && find . 2>/dev/null | sort | md5sum)
name_before=$(rd "$I/$id0/name")
refuse() { expect_errno "$1" "EPERM|EACCES" "${@:2}"; }
refuse "mkdir in instances/" mkdir "$I/uhost-12345678"
refuse "mkdir at the root" mkdir "$MNT/newdir"
refuse "mkdir in an instance" mkdir "$I/$id0/sub"
refuse "rm a file" rm -f "$I/$id0/status"
refuse "rm -rf an instance" rm -rf "$I/$id0"
refuse "rmdir an instance" rmdir "$I/$id0"
refuse "rm a by-name link" rm -f "$MNT/by-name/$(ls "$MNT/by-name" | head -n1)"
refuse "mv an instance" mv "$I/$id0" "$I/uhost-87654321"
refuse "mv a file" mv "$I/$id0/name" "$I/$id0/name2"
refuse "ln -s in the mount" ln -s /tmp "$MNT/by-name/mine"
refuse "ln (hard link) in the mount" ln "$I/$id0/status" "$I/$id0/status2"
refuse "chmod a file" chmod 666 "$I/$id0/status"
refuse "chmod a dir" chmod 777 "$I/$id0"
refuse "chown a file" chown 1:1 "$I/$id0/name"
refuse "touch a new file" touch "$I/$id0/newfile"
refuse "touch a new file at the root" touch "$MNT/newfile"
after=$(cd "$MNT" && find . 2>/dev/null | sort | md5sum)
expect_eq "the refused operations changed no name in the tree" "$after" "$before"
expect_eq "the refused operations changed no content" "$(rd "$I/$id0/name")" "$name_before"
expect_eq "status is still 0444 after chmod" "$(stat -c %a "$I/$id0/status")" "444"

# ---- an image known by ID but not (yet) in the cached listing: by path ----
fs_unmount
fs_mount -o ttl=60
ls "$MNT/images" >"$T_WORK/images.before" # the listing is cached for 60 s now
src=""
for d in "$I"/*/; do
  [ "$(rd "$d/status")" == Running ] && { src=$(basename "$d"); break; }
done
ans=$(sim_api CreateCompShareCustomImage Region=cn-wlcb "Zone=$(rd "$I/$src/zone")" \
  "UHostId=$src" "Name=by-path-$$")
newid=$(grep -o '"CompShareImageId"[[:space:]]*:[[:space:]]*"[^"]*"' <<<"$ans" | grep -o '[^"]*"$' | tr -d '"')
expect_match "the sim made an image behind the mount's back" "$newid" '^[A-Za-z0-9_-]+$'
expect_eq "cat images/<new id>/status by path, before any listing shows it" \
  "$(rd "$MNT/images/$newid/status")" "Making"
expect_eq "cat images/<new id>/name by path" "$(rd "$MNT/images/$newid/name")" "by-path-$$"
expect_match "cat images/<new id>/progress by path" "$(rd "$MNT/images/$newid/progress")" \
  '^[0-9]+(\.[0-9])?$'

finish
