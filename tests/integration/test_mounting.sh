#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Mounting as users of other FUSE daemons expect (contract: "Installing and
# mounting"): `compsharefs [options] [SOURCE] MOUNTPOINT`; a bad option or
# mount point is one line and exit status 2 before any API call; the other
# exit statuses; logging by level, to a file, to the journal, with no secret
# at any level; -o ro; and, as root, a real `mount -t fuse.compsharefs` and
# an fstab line through mount.fuse3.
#
# mount(8) runs mount.fuse3 with a fixed PATH, so it finds compsharefs only
# in the system's directories: that part runs in a private mount namespace
# (unshare) where this build's compsharefs is bind-mounted over
# /usr/local/sbin, and nothing outside the namespace changes.

# ---- the part run inside the namespace (see the end) ----
if [ "${1:-}" = --in-namespace ]; then
  . "$(dirname "$0")/../lib/check.sh"
  mount --bind "$NS_BIN" /usr/local/sbin || { fail "bind-mounting over /usr/local/sbin"; check_summary; }
  # bounded CMD...: CMD, killed after 60 s; a hang says on stderr where the
  # daemon's threads were and what it logged (a hang must never become the
  # suite's 600 s timeout, with nothing to show for it).
  bounded() {
    timeout -k 5 60 "$@"
    local rc=$? p t
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
      {
        echo "    hung: $*"
        for p in $(pgrep -f -- " $NS_MNT"); do
          echo "    pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline")"
          for t in /proc/"$p"/task/*; do echo "      $(cat "$t/comm") $(cat "$t/wchan")"; done
        done
        tail -n 5 "$NS_WORK"/m*.log 2>/dev/null | sed 's/^/    /'
      } >&2
    fi
    return $rc
  }
  # wait_gone LOG: the daemon logged "unmounted" and exited.
  wait_gone() {
    local i
    for i in $(seq 1 100); do
      grep -q unmounted "$1" 2>/dev/null && ! pgrep -f -- " $NS_MNT" >/dev/null && return 0
      sleep 0.1
    done
    return 1
  }
  HOME=$NS_HOME bounded mount -t fuse.compsharefs \
    -o "credentials=$NS_CRED,endpoint=$NS_URL,log_file=$NS_WORK/m1.log" compshare "$NS_MNT" \
    2>"$NS_WORK/m1.err"
  expect_eq "mount -t fuse.compsharefs compshare MNT: exit status 0" "$?:$(cat "$NS_WORK/m1.err")" "0:"
  expect_eq "mount -t: findmnt shows the source and the type" \
    "$(findmnt -n -o SOURCE,FSTYPE "$NS_MNT")" "compshare fuse.compsharefs"
  expect_eq "mount -t: the instances are listed" "$(bounded ls "$NS_MNT/instances" | wc -l)" "$NS_NLISTED"
  bounded umount "$NS_MNT" || bounded umount -l "$NS_MNT"
  expect_true "umount: the daemon logs the unmount and exits" wait_gone "$NS_WORK/m1.log"

  # The contract's fstab line, plus what fstab and systemd add, which mount(8)
  # and mount.fuse3 leave to the filesystem or take out themselves.
  printf '%s %s fuse.compsharefs %s 0 0\n' compshare "$NS_MNT" \
    "_netdev,nofail,noauto,x-systemd.requires=network-online.target,credentials=$NS_CRED,endpoint=$NS_URL,allow_other,log_file=$NS_WORK/m2.log" \
    >"$NS_WORK/fstab"
  HOME=$NS_HOME bounded mount -T "$NS_WORK/fstab" "$NS_MNT" 2>"$NS_WORK/m2.err"
  expect_eq "mount -T FSTAB MNT (an fstab line): exit status 0" "$?:$(cat "$NS_WORK/m2.err")" "0:"
  expect_match "fstab: mounted with allow_other, so default_permissions" \
    "$(findmnt -n -o SOURCE,FSTYPE,OPTIONS "$NS_MNT")" \
    '^compshare fuse\.compsharefs .*default_permissions,allow_other'
  expect_eq "fstab: the instances are listed" "$(bounded ls "$NS_MNT/instances" | wc -l)" "$NS_NLISTED"
  bounded umount "$NS_MNT" || bounded umount -l "$NS_MNT"
  expect_true "fstab: umount ends the daemon" wait_gone "$NS_WORK/m2.log"

  # drop_privileges: mount.fuse3 mounts, then runs compsharefs on /dev/fd/N
  # without any capability.
  HOME=$NS_HOME bounded mount -t fuse.compsharefs \
    -o "credentials=$NS_CRED,endpoint=$NS_URL,drop_privileges,log_file=$NS_WORK/m3.log" \
    compshare "$NS_MNT" 2>"$NS_WORK/m3.err"
  expect_eq "mount -o drop_privileges (compsharefs gets /dev/fd/N): exit status 0" \
    "$?:$(cat "$NS_WORK/m3.err")" "0:"
  expect_eq "drop_privileges: the instances are listed" "$(bounded ls "$NS_MNT/instances" | wc -l)" \
    "$NS_NLISTED"
  bounded umount "$NS_MNT" || bounded umount -l "$NS_MNT"
  expect_true "drop_privileges: umount ends the daemon" wait_gone "$NS_WORK/m3.log"
  check_summary
fi

. "$(dirname "$0")/lib.sh"
require_fuse

# The demo's fleet (scripts/demo.sh): 12 instances, seed 7; 11 in cn-wlcb.
sim_start --instances 12 --seed 7 --time-scale 20
NLISTED=11
EMPTY=$(mktemp -d "$T_WORK/home.XXXX")
CRED=$(write_credentials)
GOOD="credentials=$CRED,endpoint=$SIM_URL"

t_extra_cleanup() {
  local p
  for p in $(pgrep -f -- "$T_WORK/nsmnt"); do kill -9 "$p" 2>/dev/null; done
}

# ---- refused before any API call: exit 2, one line, nothing mounted ----
# Each has good keys and endpoint, so a check made only after the API call
# would show up in the sim's count.
refused() { # refused DESCRIPTION REGEX ARGS...
  local d=$1 want=$2 rc err
  shift 2
  timeout -k 5 60 env -i PATH="$PATH" HOME="$EMPTY" "$COMPSHAREFS_BIN" -f "$@" \
    >"$T_WORK/refused.out" 2>"$T_WORK/refused.err"
  rc=$?
  err=$(cat "$T_WORK/refused.err")
  expect_eq "$d: exit 2, one line on stderr, nothing on stdout" \
    "$rc:$(grep -c . <<<"$err"):$(wc -c <"$T_WORK/refused.out")" "2:1:0"
  expect_match "$d: says why" "$err" "$want"
}
FILE=$T_WORK/a-file
touch "$FILE"
sim_stats_reset
refused "an unknown option" "unknown option -o nosuch" -o "$GOOD,nosuch" "$MNT"
refused "an unknown flag" "unknown option -x" -x -o "$GOOD" "$MNT"
refused "-o umask (would override the modes)" "umask is refused: .*read-only" -o "$GOOD,umask=0002" "$MNT"
refused "-o direct_io (would defeat the page cache rules)" "direct_io is refused: .*ttl" \
  -o "$GOOD,direct_io" "$MNT"
refused "-o subdir (a libfuse module)" "subdir is refused" -o "$GOOD,subdir=/x" "$MNT"
refused "a bad ttl" "ttl=abc" -o "$GOOD,ttl=abc" "$MNT"
refused "a zero timeout" "timeout=0" -o "$GOOD,timeout=0" "$MNT"
refused "a bad log level" "log_level=loud" -o "$GOOD,log_level=loud" "$MNT"
refused "a log file that cannot be opened" "log_file=$T_WORK/no/such/dir" \
  -o "$GOOD,log_file=$T_WORK/no/such/dir/log" "$MNT"
refused "max_threads=0" "max_threads=0" -o "$GOOD,max_threads=0" "$MNT"
refused "an endpoint that is not http(s)" "endpoint" -o "credentials=$CRED,endpoint=ftp://x" "$MNT"
refused "a credentials file that does not exist" "nope\\.json" \
  -o "credentials=$T_WORK/nope.json,endpoint=$SIM_URL" "$MNT"
refused "no mount point" "no mount point" -o "$GOOD"
refused "a mount point that does not exist" "$T_WORK/nodir: No such file" -o "$GOOD" "$T_WORK/nodir"
refused "a mount point that is a file" "not a directory" -o "$GOOD" "$FILE"
refused "three arguments" "unexpected argument" -o "$GOOD" compshare "$MNT" extra
refused "SOURCE and -o profile naming two profiles" "different profiles" \
  -o "$GOOD,profile=play" work "$MNT"
refused "SOURCE naming a profile that does not exist" 'profile "nosuch" not found' \
  -o "endpoint=$SIM_URL" nosuch "$MNT"
expect_eq "none of them sent an API request" "$(sim_total)" "0"
expect_eq "none of them mounted" "$(mountpoint -q "$MNT" && echo mounted)" ""

out=$("$COMPSHAREFS_BIN" --help 2>&1)
expect_eq "--help: exit 0" "$?" "0"
expect_match "--help: the synopsis has SOURCE" "$out" 'usage: compsharefs \[options\] \[SOURCE\] MOUNTPOINT'

# ---- the other exit statuses, and no "unmounted" when nothing was ----
status_of() { # status_of ARGS...: RC and ERR of a run in the foreground
  timeout -k 5 60 env -i PATH="$PATH" HOME="$EMPTY" "$COMPSHAREFS_BIN" -f "$@" >"$T_WORK/st.out" 2>&1
  RC=$?
  ERR=$(cat "$T_WORK/st.out")
}
printf '{"public_key": "%s", "private_key": "wrong-%s"}\n' "$SIM_PUBLIC_KEY" "$$" >"$T_WORK/bad.json"
chmod 600 "$T_WORK/bad.json"
status_of -o "credentials=$T_WORK/bad.json,endpoint=$SIM_URL" "$MNT"
expect_eq "keys the API rejects: exit 3, not mounted" "$RC:$(mountpoint -q "$MNT" && echo m)" "3:"
expect_eq "... and no 'unmounted' line" "$(grep -c unmounted <<<"$ERR")" "0"
status_of -o "credentials=$CRED,endpoint=http://127.0.0.1:1,timeout=2" "$MNT"
expect_eq "an unreachable endpoint: exit 1 (may work later)" "$RC" "1"
expect_eq "... and no 'unmounted' line" "$(grep -c unmounted <<<"$ERR")" "0"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && ! grep -qx 'user_allow_other' /etc/fuse.conf 2>/dev/null; then
  # A mount fusermount3 refuses: another user asking for allow_other without
  # user_allow_other in /etc/fuse.conf.
  chmod 755 "$T_WORK"
  USERMNT=$(mktemp -d "$T_WORK/usermnt.XXXX")
  NOBODY_HOME=$(mktemp -d "$T_WORK/nobody.XXXX")
  cp "$CRED" "$T_WORK/nobody.json"
  chown 65534:65534 "$USERMNT" "$NOBODY_HOME" "$T_WORK/nobody.json"
  setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH="$PATH" HOME="$NOBODY_HOME" \
    timeout -k 5 60 "$COMPSHAREFS_BIN" -f -o "credentials=$T_WORK/nobody.json,endpoint=$SIM_URL,allow_other" \
    "$USERMNT" >"$T_WORK/st.out" 2>&1
  RC=$?
  ERR=$(cat "$T_WORK/st.out")
  expect_eq "a mount fusermount3 refuses: exit 4, not mounted" \
    "$RC:$(mountpoint -q "$USERMNT" && echo m)" "4:"
  expect_match "... saying it could not mount" "$ERR" "could not mount on $USERMNT"
  expect_eq "... and no 'unmounted' line" "$(grep -c unmounted <<<"$ERR")" "0"
else
  skip "exit status 4 needs root, setpriv and no user_allow_other in /etc/fuse.conf"
fi

# ---- SOURCE ----
fs_mount compshare
expect_eq "SOURCE compshare: the default profile, shown as the mount's source" \
  "$(findmnt -n -o SOURCE,FSTYPE "$MNT")" "compshare fuse.compsharefs"
expect_eq "SOURCE compshare: instances listed" "$(ls "$MNT/instances" | wc -l)" "$NLISTED"
fs_unmount
expect_eq "unmounted: one 'unmounted' line" "$(grep -c 'unmounted' "$T_WORK/fs.log")" "1"

H=$(mktemp -d "$T_WORK/profiles.XXXX")
mkdir -p "$H/.ucloud"
printf '[{"profile": "sim", "public_key": "%s", "private_key": "%s"}]\n' \
  "$SIM_PUBLIC_KEY" "$SIM_PRIVATE_KEY" >"$H/.ucloud/credential.json"
printf '[{"profile": "sim", "active": false, "region": "cn-sh2", "base_url": "%s"}]\n' \
  "$SIM_URL" >"$H/.ucloud/config.json"
chmod 600 "$H/.ucloud/credential.json"
env -i PATH="$PATH" HOME="$H" "$COMPSHAREFS_BIN" -f sim "$MNT" >"$T_WORK/fs.log" 2>&1 &
FS_PID=$!
for _ in $(seq 1 200); do mountpoint -q "$MNT" && break; kill -0 "$FS_PID" 2>/dev/null || break; sleep 0.05; done
expect_eq "SOURCE sim: that profile's keys, endpoint and region (cn-sh2: 1 instance)" \
  "$(ls "$MNT/instances" 2>&1 | wc -l)" "1"
fs_unmount

# ---- logging: levels, a file, no secret at any level ----
LOG=$T_WORK/debug.log
USERINFO="someone:pw-$$-secret"
fs_mount -o "log_level=debug,log_file=$LOG,endpoint=http://$USERINFO@${SIM_URL#http://}"
id=$(instance_in_state Running)
cat "$MNT"/instances/*/status >/dev/null
write_file "$MNT/instances/$id/ctl" reboot >/dev/null
no_secret() { # no_secret WHAT TEXT
  if [[ "$2" == *"$SIM_PRIVATE_KEY"* || "$2" == *"$USERINFO"* || "$2" == *"pw-$$-secret"* ]]; then
    fail "$1: a secret appears"
  else
    pass "$1: neither the private key nor the endpoint's user:password"
  fi
}
no_secret "the daemon's argv (/proc/PID/cmdline)" "$(tr '\0' ' ' </proc/$FS_PID/cmdline)"
fs_unmount
text=$(cat "$LOG" 2>&1)
expect_match "log_level=debug: API calls in the log file" "$text" \
  "debug: api DescribeCompShareInstance: ok.*debug: api RebootCompShareInstance: ok"
expect_match "log_file: time stamps with the date, and the pid" "$text" \
  '^20[0-9-]{8}T[0-9:.]{12}Z compsharefs\[[0-9]+\] '
expect_eq "log_level=debug: no FUSE trace (that is -d's)" "$(grep -cE 'unique:|opcode' <<<"$text")" "0"
expect_eq "log_file: nothing on stderr" "$(cat "$T_WORK/fs.log")" ""
expect_match "log_file: mounted and unmounted are logged" "$text" "info: mounted.*info: unmounted"
no_secret "the debug log file" "$text"

fs_mount -o "log_level=warn"
ls "$MNT/instances" >/dev/null
fs_unmount
expect_eq "log_level=warn: no info lines" "$(grep -c 'info:' "$T_WORK/fs.log")" "0"

fs_mount -d
ls "$MNT/instances" >/dev/null
fs_unmount
expect_match "-d: libfuse's trace of each request" "$(cat "$T_WORK/fs.log")" "opcode: (LOOKUP|READDIR|GETATTR)"
expect_match "-d: and the API calls" "$(cat "$T_WORK/fs.log")" "api DescribeCompShareInstance"

# Under systemd, stderr is the journal's stream and JOURNAL_STREAM says so.
JLOG=$T_WORK/journal.log
: >"$JLOG"
JOURNAL_STREAM=$(stat -c '%d:%i' "$JLOG") "$COMPSHAREFS_BIN" -f -o "$GOOD" "$MNT" 2>>"$JLOG" &
FS_PID=$!
for _ in $(seq 1 200); do mountpoint -q "$MNT" && break; kill -0 "$FS_PID" 2>/dev/null || break; sleep 0.05; done
cp "$JLOG" "$T_WORK/fs.log"
fs_unmount
expect_match "journal: each line carries its priority, the journal stamps the rest" \
  "$(head -n1 "$JLOG")" '^<6>[^0-9]'
expect_eq "journal: no line with a time stamp of its own" "$(grep -cvE '^<[0-7]>' "$JLOG")" "0"

# In the background, a log file stays the destination (no /dev/log needed).
BGLOG=$T_WORK/bg.log
env -i PATH="$PATH" HOME="$EMPTY" "$COMPSHAREFS_BIN" -o "$GOOD,log_file=$BGLOG" "$MNT"
expect_eq "without -f: returns 0 once mounted" "$?:$(mountpoint -q "$MNT" && echo m)" "0:m"
fusermount3 -u "$MNT"
for _ in $(seq 1 100); do grep -q unmounted "$BGLOG" && break; sleep 0.1; done
expect_match "without -f: the daemon's lines land in the log file" "$(cat "$BGLOG")" \
  "info: mounted.*info: unmounted"

# ---- -o ro: reads as usual, no command reaches the API ----
fs_mount -o ro
id=$(instance_in_state Running)
expect_eq "-o ro: status reads" "$(rd "$MNT/instances/$id/status")" "Running"
sim_stats_reset
expect_match "-o ro: a reboot fails with EROFS" "$(write_file "$MNT/instances/$id/ctl" reboot)" \
  "Read-only file system"
expect_eq "-o ro: nothing sent" "$(api_changes)" "0"
fs_unmount

# ---- mount(8): mount -t fuse.compsharefs, and an fstab line ----
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || [ ! -d /usr/local/sbin ]; then
  skip "mount(8) and fstab need root, unshare and /usr/local/sbin"
else
  chmod 755 "$T_WORK"
  mkdir -p "$T_WORK/bin" "$T_WORK/nsmnt"
  ln -s "$COMPSHAREFS_BIN" "$T_WORK/bin/compsharefs"
  out=$(NS_BIN=$T_WORK/bin NS_MNT=$T_WORK/nsmnt NS_CRED=$CRED NS_URL=$SIM_URL NS_WORK=$T_WORK \
    NS_HOME=$EMPTY NS_NLISTED=$NLISTED timeout -k 10 400 \
    unshare -m --propagation private bash "$0" --in-namespace 2>&1)
  while IFS= read -r line; do
    case $line in
      "ok   - "*) pass "${line#ok   - }" ;;
      "FAIL - "*) fail "${line#FAIL - }" ;;
      "skip - "*) skip "${line#skip - }" ;;
      *) echo "$line" ;; # a hang's diagnosis
    esac
  done <<<"$out"
  expect_match "the mount(8) part ran to its end" "$(tail -n1 <<<"$out")" '^[0-9]+ passed'
fi

finish
