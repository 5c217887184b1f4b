#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Start-up and shutdown of the daemon (contract: "Configuration of
# compsharefs"): refusals without keys, with rejected keys and with an
# unreachable endpoint (exit non-zero, one line, nothing mounted); keys from
# the environment and from ~/.ucloud profiles; a warning for a credentials file
# others can read; the private key in no message, argv, environment, debug log
# or file of the mount; SIGTERM unmounts cleanly; after kill -9 the mountpoint
# is a plain directory again (auto_unmount).
#
# compsharefs runs here with a clean environment (env -i) and HOME pointing to
# a directory of the test, so that no real ~/.ucloud or UCLOUD_* is seen.
. "$(dirname "$0")/lib.sh"
require_fuse

sim_start --instances 8 --seed 7 --clock manual # the second reboot meets the lock
NLISTED=7 # #7 is in cn-sh2
PUB=$SIM_PUBLIC_KEY
PRIV=$SIM_PRIVATE_KEY

EXTRA_PIDS="" EXTRA_MNTS=""
t_extra_cleanup() {
  local m p
  for m in $EXTRA_MNTS; do
    mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null; }
  done
  for p in $EXTRA_PIDS; do kill -9 "$p" 2>/dev/null; done
  EXTRA_PIDS="" EXTRA_MNTS=""
}

newdir() { mktemp -d "$T_WORK/$1.XXXX"; }

# daemon_cmd NAME HOME [VAR=VALUE...] -- ARGS...: sets MP, a fresh mountpoint
# (unmounted at exit), and CMD, the command that runs compsharefs ARGS on it in
# the foreground with a clean environment: PATH, HOME and the VARs only.
daemon_cmd() {
  local name=$1 home=$2
  shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  MP=$(newdir "$name")
  EXTRA_MNTS+=" $MP"
  CMD=(env -i PATH="$PATH" HOME="$home" "${envs[@]}" "$COMPSHAREFS_BIN" -f "$@" "$MP")
}

# run_refused NAME HOME [VAR=VALUE...] -- ARGS...: runs compsharefs (daemon_cmd)
# until it exits; sets RC and ERR (stderr), and MP (the mountpoint, which must
# not be mounted).
run_refused() {
  daemon_cmd "$@"
  timeout -k 5 60 "${CMD[@]}" >"$T_WORK/$1.out" 2>"$T_WORK/$1.err"
  RC=$?
  ERR=$(cat "$T_WORK/$1.err")
}

# start_daemon NAME HOME [VAR=VALUE...] -- ARGS...: starts compsharefs
# (daemon_cmd) in the background; sets PID, MP and LOG; returns 1 when it does
# not mount within 10 s.
start_daemon() {
  daemon_cmd "$@"
  LOG=$T_WORK/$1.log
  "${CMD[@]}" >"$LOG" 2>&1 &
  PID=$!
  EXTRA_PIDS+=" $PID"
  local i
  for i in $(seq 1 200); do
    mountpoint -q "$MP" && return 0
    kill -0 "$PID" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# stop_daemon: SIGTERM, then reap (bounded; a non-zero status is a failure).
stop_daemon() {
  kill -TERM "$PID" 2>/dev/null
  reap "$PID" "$LOG" "the daemon on SIGTERM"
}

# mounted WHAT NAME HOME [VAR=VALUE...] -- ARGS...: start_daemon; when it does
# not mount, a failure ("WHAT: did not mount", with its log) and status 1.
mounted() {
  local what=$1
  shift
  start_daemon "$@" && return 0
  fail "$what: did not mount: $(cat "$LOG")"
  return 1
}

# The zones of the mount's instances, on one line: "cn-sh2-01 ".
zones_of() { cat "$MP"/instances/*/zone 2>/dev/null | sort -u | tr '\n' ' '; }

# expect_listed DESCRIPTION WANT NAME HOME [VAR=VALUE...] -- ARGS...: mounted
# so, the mount lists WANT, "COUNT:ZONES" of its instances (as zones_of).
expect_listed() {
  local what=$1 want=$2
  shift 2
  if mounted "$what" "$@"; then
    expect_eq "$what" "$(ls "$MP/instances" | wc -l):$(zones_of)" "$want"
    stop_daemon
  fi
}

no_key() { # no_key DESCRIPTION TEXT
  if [[ "$2" == *"$PRIV"* ]]; then fail "$1: the private key appears"; else pass "$1: no private key"; fi
}

EMPTY=$(newdir emptyhome)

# ---- refusals ----
run_refused nokeys "$EMPTY" -- -o "endpoint=$SIM_URL"
expect_true "no keys: exits non-zero (not by the timeout)" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
expect_eq "no keys: one line on stderr" "$(grep -c . <<<"$ERR")" "1"
expect_match "no keys: names the environment variables it looked at" "$ERR" "UCLOUD_PUBLIC_KEY"
expect_match "no keys: names the credentials file it looked at" "$ERR" "credential\\.json"
expect_eq "no keys: nothing mounted" "$(mountpoint -q "$MP" && echo mounted)" ""

run_refused nokeys-missingfile "$EMPTY" -- -o "endpoint=$SIM_URL,credentials=$T_WORK/nope.json"
expect_true "credentials=FILE that does not exist: exits non-zero" test "$RC" -ne 0 -a "$RC" -ne 124
expect_match "... and names the file" "$ERR" "nope\\.json"
expect_eq "... nothing mounted" "$(mountpoint -q "$MP" && echo mounted)" ""

BADPRIV=wrong-private-key-$$
printf '{"public_key": "%s", "private_key": "%s"}\n' "$PUB" "$BADPRIV" >"$T_WORK/bad.json"
chmod 600 "$T_WORK/bad.json"
run_refused wrongkey "$EMPTY" -- -o "endpoint=$SIM_URL,credentials=$T_WORK/bad.json"
expect_true "wrong private key: exits non-zero" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
expect_eq "wrong private key: one line on stderr" "$(grep -c . <<<"$ERR")" "1"
expect_match "wrong private key: says the keys were rejected" "$ERR" "[Rr]eject"
expect_match "wrong private key: says where the keys came from" "$ERR" "bad\\.json"
[[ "$ERR" == *"$BADPRIV"* ]] && fail "wrong private key: the (wrong) private key appears" ||
  pass "wrong private key: the key given is not in the message"
no_key "wrong private key message" "$ERR"
expect_eq "wrong private key: nothing mounted" "$(mountpoint -q "$MP" && echo mounted)" ""

run_refused wrongpub "$EMPTY" UCLOUD_PUBLIC_KEY=nobody-$$ UCLOUD_PRIVATE_KEY="$PRIV" -- \
  -o "endpoint=$SIM_URL"
expect_true "unknown public key: exits non-zero" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
expect_match "unknown public key: says the keys were rejected" "$ERR" "[Rr]eject"
expect_match "unknown public key: names UCLOUD_PUBLIC_KEY as the source" "$ERR" "UCLOUD_PUBLIC_KEY"
no_key "unknown public key message" "$ERR"
expect_eq "unknown public key: nothing mounted" "$(mountpoint -q "$MP" && echo mounted)" ""

run_refused unreachable "$EMPTY" UCLOUD_PUBLIC_KEY="$PUB" UCLOUD_PRIVATE_KEY="$PRIV" -- \
  -o "endpoint=http://127.0.0.1:1,timeout=2"
expect_true "unreachable endpoint: exits non-zero" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
expect_eq "unreachable endpoint: one line on stderr" "$(grep -c . <<<"$ERR")" "1"
expect_match "unreachable endpoint: says it cannot reach it" "$ERR" "([Rr]each|[Cc]onnect)"
expect_match "unreachable endpoint: names the endpoint" "$ERR" "127\\.0\\.0\\.1:1"
no_key "unreachable endpoint message" "$ERR"
expect_eq "unreachable endpoint: nothing mounted" "$(mountpoint -q "$MP" && echo mounted)" ""

# ---- an endpoint's user:password@ is never shown: start-up errors, mount log ----
USERINFO="someone:pw-$$"
no_userinfo() { # no_userinfo DESCRIPTION TEXT
  if [[ "$2" == *"pw-$$"* || "$2" == *someone* ]]; then fail "$1: shows user:password@"; else pass "$1: no user:password@"; fi
}
run_refused userinfo-unreachable "$EMPTY" UCLOUD_PUBLIC_KEY="$PUB" UCLOUD_PRIVATE_KEY="$PRIV" -- \
  -o "endpoint=http://$USERINFO@127.0.0.1:1,timeout=2"
expect_match "unreachable endpoint with user:password@: named" "$ERR" "http://127\\.0\\.0\\.1:1"
no_userinfo "unreachable endpoint with user:password@" "$ERR"
run_refused userinfo-scheme "$EMPTY" UCLOUD_PUBLIC_KEY="$PUB" UCLOUD_PRIVATE_KEY="$PRIV" -- \
  -o "endpoint=ftp://$USERINFO@127.0.0.1:1/"
expect_match "ftp:// endpoint with user:password@: refused, named" "$ERR" "ftp://127\\.0\\.0\\.1:1"
no_userinfo "ftp:// endpoint with user:password@" "$ERR"
if mounted "endpoint with user:password@" userinfo "$EMPTY" UCLOUD_PUBLIC_KEY="$PUB" \
  UCLOUD_PRIVATE_KEY="$PRIV" -- -d -o "endpoint=${SIM_URL/:\/\//://$USERINFO@}"; then
  stop_daemon # the log line of interest is written at mount
  expect_match "the mount's log names the endpoint" "$(cat "$LOG")" "${SIM_URL//./\\.}"
  no_userinfo "the mount's log" "$(cat "$LOG")"
fi

# ---- keys from the environment; the key in no argv, environ, file ----
if mounted "keys from the environment" envkeys "$EMPTY" \
  UCLOUD_PUBLIC_KEY="$PUB" UCLOUD_PRIVATE_KEY="$PRIV" -- -o "endpoint=$SIM_URL"; then
  pass "keys from UCLOUD_PUBLIC_KEY/UCLOUD_PRIVATE_KEY: mounted"
  expect_eq "env keys: instances listed" "$(ls "$MP/instances" | wc -l)" "$NLISTED"
  no_key "argv of the daemon (/proc/PID/cmdline)" "$(tr '\0' ' ' </proc/$PID/cmdline)"
  no_key "environment of the daemon (/proc/PID/environ)" "$(tr '\0' '\n' </proc/$PID/environ)"
  no_key "ps -ef -ww" "$(ps -eo args -ww)"
  cat "$MP"/instances/*/* "$MP/metrics" "$MP/error" >/dev/null 2>&1
  grep -rlF -- "$PRIV" "$MP" >"$T_WORK/found" 2>/dev/null
  expect_eq "grep -r for the private key in the mount finds nothing" "$(cat "$T_WORK/found")" ""
  stop_daemon && pass "SIGTERM: the daemon exits with status 0"
  expect_eq "SIGTERM: the mountpoint is unmounted" "$(mountpoint -q "$MP" && echo mounted)" ""
  err=$(ls "$MP" 2>&1)
  expect_eq "SIGTERM: the mountpoint is a plain, empty directory again" "$?:$err" "0:"
  no_key "the daemon's output" "$(cat "$LOG")"
fi

# ---- -d debug log: no key, also after reads, a command and a failure ----
CRED=$(write_credentials)
if mounted "credentials=FILE with -d" debug "$EMPTY" -- \
  -d -o "endpoint=$SIM_URL,credentials=$CRED"; then
  pass "credentials=FILE with -d: mounted"
  id=$(ls "$MP/instances" | head -n1)
  cat "$MP"/instances/*/* >/dev/null 2>&1
  echo reboot >"$MP/instances/$id/ctl" 2>/dev/null
  echo reboot >"$MP/instances/$id/ctl" 2>/dev/null # the lock: a failure
  cat "$MP/images"/*/progress "$MP/metrics" >/dev/null 2>&1
  stop_daemon
  expect_true "the -d log is not empty" test -s "$LOG"
  no_key "the -d log" "$(cat "$LOG")"
fi

# ---- ~/.ucloud profiles ----
H=$(newdir home)
mkdir -p "$H/.ucloud"
cat >"$H/.ucloud/credential.json" <<EOF
[
  {"profile": "default", "public_key": "$PUB", "private_key": "$BADPRIV"},
  {"profile": "sim", "public_key": "$PUB", "private_key": "$PRIV"},
  {"profile": "sh2", "public_key": "$PUB", "private_key": "$PRIV"}
]
EOF
cat >"$H/.ucloud/config.json" <<EOF
[
  {"profile": "default", "active": false, "region": "cn-wlcb", "zone": "", "project_id": "",
   "base_url": "$SIM_URL", "timeout_sec": 5},
  {"profile": "sim", "active": true, "region": "cn-wlcb", "zone": "", "project_id": "",
   "base_url": "$SIM_URL", "timeout_sec": 5},
  {"profile": "sh2", "active": false, "region": "cn-sh2", "zone": "", "project_id": "",
   "base_url": "$SIM_URL", "timeout_sec": 5}
]
EOF
chmod 600 "$H/.ucloud/credential.json"
if mounted "the active profile of ~/.ucloud" profile "$H" -- -o ttl=2; then
  pass "keys and base_url from the active profile of ~/.ucloud: mounted"
  expect_eq "profile: instances listed" "$(ls "$MP/instances" | wc -l)" "$NLISTED"
  no_key "ps while mounted from the profile" "$(ps -eo args -ww)"
  fusermount3 -u "$MP"
  reap "$PID" "$LOG" "the daemon after fusermount3 -u" &&
    pass "fusermount3 -u: the daemon exits with status 0"
fi
run_refused profile-default "$H" -- -o profile=default
expect_true "-o profile=default (its key is wrong): refused" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
expect_match "-o profile=default: says the keys were rejected" "$ERR" "[Rr]eject"
no_key "-o profile=default message" "$ERR"
run_refused profile-env "$H" UCLOUD_PROFILE=default -- -o ttl=2
expect_true "UCLOUD_PROFILE=default: refused as well" test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
# Now make "default" the active one; -o profile=sim still picks the good keys.
sed -i -E 's/("profile": "default", "active": )false/\1true/; s/("profile": "sim", "active": )true/\1false/' \
  "$H/.ucloud/config.json"
run_refused profile-active-default "$H" --
expect_match "now that default (wrong key) is active: refused as rejected" "$RC:$ERR" "^[1-9][0-9]*:.*[Rr]eject"
if mounted "-o profile=sim" profile-opt "$H" -- -o profile=sim; then
  pass "-o profile=sim when default is active: mounted"
  stop_daemon
fi
if mounted "UCLOUD_* keys over credential.json" profile-envkeys "$H" \
  UCLOUD_PUBLIC_KEY="$PUB" UCLOUD_PRIVATE_KEY="$PRIV" -- -o ttl=2; then
  pass "UCLOUD_* keys win over ~/.ucloud/credential.json (base_url from the profile)"
  stop_daemon
fi
expect_listed "-o profile=sh2: the region comes from that profile (cn-sh2: one instance)" \
  "1:cn-sh2-01 " profile-region "$H" -- -o profile=sh2
if mounted "-o profile=sh2,region=cn-wlcb" profile-region-opt "$H" -- \
  -o profile=sh2,region=cn-wlcb; then
  expect_eq "-o region wins over the profile's region" "$(ls "$MP/instances" | wc -l)" "$NLISTED"
  stop_daemon
fi

# ---- a credentials file others can read: a warning, and still a mount ----
cp "$CRED" "$T_WORK/open.json"
chmod 640 "$T_WORK/open.json"
if mounted "group-readable credentials file" groupread "$EMPTY" -- \
  -o "endpoint=$SIM_URL,credentials=$T_WORK/open.json"; then
  pass "group-readable credentials file: mounted"
  sleep 0.2
  expect_match "group-readable credentials file: a warning naming the file" "$(cat "$LOG")" "open\\.json"
  expect_match "... that says it is readable by others" "$(cat "$LOG")" \
    "([Rr]eadable|[Pp]ermission|mode|chmod|0640|640)"
  stop_daemon
fi
if mounted "0600 credentials file" privfile "$EMPTY" -- \
  -o "endpoint=$SIM_URL,credentials=$CRED"; then
  sleep 0.2
  expect_eq "a 0600 credentials file: no warning about it" \
    "$(grep -ciE 'readable|permission|chmod' "$LOG")" "0"
  stop_daemon
fi

# ---- kill -9: auto_unmount leaves a plain directory ----
if mounted "kill -9 test" killed "$EMPTY" -- -o "endpoint=$SIM_URL,credentials=$CRED"; then
  ls "$MP/instances" >/dev/null
  kill -9 "$PID"
  wait "$PID" 2>/dev/null
  gone=""
  for _ in $(seq 1 100); do
    # Until auto_unmount has detached it, the dead mount fails stat (ENOTCONN), which
    # mountpoint also reports as "not a mount point": wait for a readable plain dir.
    if ls "$MP" >/dev/null 2>&1 && ! mountpoint -q "$MP"; then gone=1; break; fi
    sleep 0.1
  done
  expect_true "kill -9: the mount goes away by itself (auto_unmount)" test -n "$gone"
  err=$(ls "$MP" 2>&1)
  expect_eq "kill -9: no 'Transport endpoint is not connected', a plain directory" "$?:$err" "0:"
fi

# ---- -o allow_other: file modes bind every user (default_permissions) ----
if command -v setpriv >/dev/null && [ "$(id -u)" == 0 ]; then
  chmod 755 "$T_WORK"
  if mounted "-o allow_other" allowother "$EMPTY" -- \
    -o "endpoint=$SIM_URL,credentials=$CRED,allow_other"; then
    chmod 755 "$MP" 2>/dev/null
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    id=$(ls "$MP/instances" | head -n1)
    expect_match "allow_other: another user reads status" \
      "$(as_nobody cat "$MP/instances/$id/status" 2>&1)" '^[A-Z][a-z]+$'
    expect_eq "allow_other: another user lists instances/" \
      "$(as_nobody ls "$MP/instances" 2>/dev/null | wc -l)" "$NLISTED"
    sim_stats_reset
    out=$(as_nobody sh -c "echo reboot > '$MP/instances/$id/ctl'" 2>&1)
    expect_match "allow_other: another user cannot write ctl (0644)" "$out" "Permission denied"
    out=$(as_nobody sh -c "echo x > '$MP/instances/$id/name'" 2>&1)
    expect_match "allow_other: another user cannot write name (0644)" "$out" "Permission denied"
    expect_eq "allow_other: nothing reached the API" "$(api_changes)" "0"
    out=$(as_nobody mkdir "$MP/instances/x" 2>&1)
    expect_match "allow_other: another user cannot mkdir" "$out" "(Permission denied|Operation not permitted)"
    stop_daemon
  fi
else
  skip "allow_other check needs root and setpriv"
fi

# ---- region and zone: options, environment, precedence ----
# Fleet of 8: #7 is in cn-sh2-01; #1 and #4 are in cn-wlcb-02.
expect_listed "-o region=cn-sh2: the one instance of that region" "1:cn-sh2-01 " \
  region "$EMPTY" -- -o "endpoint=$SIM_URL,credentials=$CRED,region=cn-sh2"
expect_listed "-o zone=cn-wlcb-02: only that zone's two instances" "2:cn-wlcb-02 " \
  zone "$EMPTY" -- -o "endpoint=$SIM_URL,credentials=$CRED,zone=cn-wlcb-02"
expect_listed "UCLOUD_REGION=cn-sh2: the one instance of that region" "1:cn-sh2-01 " \
  region-env "$EMPTY" UCLOUD_REGION=cn-sh2 -- -o "endpoint=$SIM_URL,credentials=$CRED"
expect_listed "-o region/zone win over UCLOUD_REGION/UCLOUD_ZONE" "2:cn-wlcb-02 " \
  region-both "$EMPTY" UCLOUD_REGION=cn-sh2 UCLOUD_ZONE=cn-sh2-01 -- \
  -o "endpoint=$SIM_URL,credentials=$CRED,region=cn-wlcb,zone=cn-wlcb-02"

# ---- without -f: the daemon goes to the background once mounted ----
MP=$(newdir background)
EXTRA_MNTS+=" $MP"
timeout -k 5 60 env -i PATH="$PATH" HOME="$EMPTY" "$COMPSHAREFS_BIN" \
  -o "endpoint=$SIM_URL,credentials=$CRED" "$MP" >"$T_WORK/background.out" 2>&1
rc=$?
expect_eq "without -f: the command returns 0 once mounted" "$rc" "0"
expect_true "without -f: the mountpoint is mounted" mountpoint -q "$MP"
expect_eq "without -f: instances listed" "$(ls "$MP/instances" 2>/dev/null | wc -l)" "$NLISTED"
bgpid=$(pgrep -f -x "$COMPSHAREFS_BIN -o endpoint=$SIM_URL,credentials=$CRED $MP" | head -n1)
[ -n "$bgpid" ] && EXTRA_PIDS+=" $bgpid"
expect_match "without -f: the daemon runs in the background" "$bgpid" '^[0-9]+$'
fusermount3 -u "$MP"
gone=""
if [ -n "$bgpid" ]; then
  for _ in $(seq 1 100); do
    kill -0 "$bgpid" 2>/dev/null || { gone=1; break; }
    sleep 0.1
  done
fi
expect_true "without -f: fusermount3 -u ends the background daemon" test -n "$gone"
expect_eq "without -f: unmounted" "$(mountpoint -q "$MP" && echo mounted)" ""

finish
