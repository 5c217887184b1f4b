# SPDX-License-Identifier: MIT
# tests/integration/lib.sh - the harness every mount test sources.
#
# Starts compshare-sim on a free loopback port, mounts compsharefs in a fresh
# temporary directory, and always unmounts and stops both on exit, even when a
# test fails or is interrupted. Checks count passes and failures; the last line
# is "N passed, N failed, N skipped" and the exit status is 1 on any failure,
# 77 (ctest: skipped) when FUSE cannot be used on this machine.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"

: "${COMPSHARE_SIM:?COMPSHARE_SIM must name the compshare-sim binary}"
: "${COMPSHAREFS_BIN:?COMPSHAREFS_BIN must name the compsharefs binary}"

T_WORK=$(mktemp -d /tmp/compsharefs-test.XXXXXX)
MNT=$T_WORK/mnt
I=$MNT/instances # the mount's instances/, which most checks read
SIM_URL="" SIM_PID="" FS_PID=""
SIM_PUBLIC_KEY=test-public-key
SIM_PRIVATE_KEY=test-private-key-$$
mkdir -p "$MNT"

t_cleanup() {
  # A script may define t_extra_cleanup for mounts and daemons of its own.
  if declare -F t_extra_cleanup >/dev/null; then t_extra_cleanup; fi
  fs_unmount
  sim_stop
  rm -rf "$T_WORK"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

finish() {
  fs_unmount # checks that the daemon and the sim end cleanly, while checks still count
  sim_stop
  check_summary
}

# write_file FILE TEXT: one write(2) of TEXT plus a newline, as `echo TEXT > FILE`
# does. Prints the error (empty on success); returns the write's status.
write_file() { write_raw "$1" "$2"$'\n'; }

# write_raw FILE DATA: open(O_WRONLY|O_CREAT|O_TRUNC) as `>` does, then exactly
# one write(2) of DATA as it is (any size, no newline added; nothing written
# when DATA is empty). Prints the error (empty on success); returns the status.
# Bounded: a write that hangs is killed after 60 s (status 124).
write_raw() {
  local tmp=$T_WORK/raw.$BASHPID out rc
  printf '%s' "$2" >"$tmp"
  out=$(timeout -k 5 60 dd if="$tmp" of="$1" bs=1M count=1 status=none 2>&1)
  rc=$?
  rm -f "$tmp"
  printf '%s' "$out"
  return $rc
}

# expect_write_errno DESCRIPTION ERRNO FILE TEXT
expect_write_errno() {
  local out
  out=$(write_file "$3" "$4")
  if [ $? -eq 0 ]; then
    fail "$1: write succeeded, expected $2"
  elif [[ "$out" == *"$(errno_text "$2")"* ]]; then
    pass "$1 ($2)"
  else
    fail "$1: expected $2, got: $out"
  fi
}

# expect_raw_errno DESCRIPTION ERRNO[|ERRNO...] FILE DATA: like
# expect_write_errno with write_raw's exact bytes.
expect_raw_errno() {
  local out rc e
  out=$(write_raw "$3" "$4")
  rc=$?
  if [ $rc -eq 0 ]; then fail "$1: write succeeded, expected $2"; return; fi
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then fail "$1: write hung (killed after 60 s)"; return; fi
  for e in ${2//|/ }; do
    if [[ "$out" == *"$(errno_text "$e")"* ]]; then pass "$1 ($e)"; return; fi
  done
  fail "$1: expected $2, got: $out"
}

# expect_errno DESCRIPTION ERRNO[|ERRNO...] COMMAND...: the command (killed
# after 60 s) must fail, and its stderr must carry one of the errnos' texts.
expect_errno() {
  local d=$1 want=$2 out rc e
  shift 2
  out=$(timeout -k 5 60 "$@" 2>&1 >/dev/null)
  rc=$?
  if [ $rc -eq 0 ]; then fail "$d: succeeded, expected $want"; return; fi
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then fail "$d: hung (killed after 60 s)"; return; fi
  for e in ${want//|/ }; do
    if [[ "$out" == *"$(errno_text "$e")"* ]]; then pass "$d ($e)"; return; fi
  done
  fail "$d: expected $want, got: $out"
}

# rd FILE: its content (command substitution drops the final newline), never
# hanging; empty when the read fails.
rd() { timeout -k 5 30 cat "$1" 2>/dev/null; }

# pick_instance STATE: an instance in STATE that no earlier pick_instance of
# this script returned, and not one that a Making custom image blocks: the sim
# makes one from its instance #1, a Stopped one in cn-wlcb-02, so Stopped ones
# of that zone are never picked.
pick_instance() {
  local d id
  touch "$T_WORK/picked"
  for d in "$MNT"/instances/*/; do
    id=$(basename "$d")
    grep -qx "$id" "$T_WORK/picked" && continue
    [ "$(rd "$d/status")" == "$1" ] || continue
    if [ "$1" == Stopped ] && [ "$(rd "$d/zone")" == cn-wlcb-02 ]; then continue; fi
    echo "$id" >>"$T_WORK/picked"
    echo "$id"
    return 0
  done
  return 1
}

# api_changes: how many state-changing API requests the sim served since the
# last sim_stats_reset.
api_changes() {
  local a n=0
  for a in RebootCompShareInstance StopCompShareInstance StartCompShareInstance \
    ReinstallCompShareInstance ModifyCompShareInstanceName CreateCompShareCustomImage; do
    n=$((n + $(sim_count $a)))
  done
  echo "$n"
}

# ---- FUSE availability ----
require_fuse() {
  if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
    echo "SKIP: FUSE is not usable here (/dev/fuse or fusermount3 missing)"
    exit 77
  fi
}

# ---- the simulator ----
# sim_start [compshare-sim args...]: sets SIM_URL and SIM_PID.
sim_start() {
  local out=$T_WORK/sim.out
  # The private key through the environment, not argv: tests grep `ps` for it.
  COMPSHARE_SIM_PRIVATE_KEY="$SIM_PRIVATE_KEY" "$COMPSHARE_SIM" --listen 127.0.0.1:0 \
    --public-key "$SIM_PUBLIC_KEY" "$@" >"$out" 2>"$T_WORK/sim.err" &
  SIM_PID=$!
  local i
  for i in $(seq 1 100); do
    SIM_URL=$(head -n1 "$out" 2>/dev/null)
    [ -n "$SIM_URL" ] && return 0
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "compshare-sim did not start:"; cat "$T_WORK/sim.err"
  exit 1
}

sim_stop() {
  if [ -n "$SIM_PID" ]; then
    kill "$SIM_PID" 2>/dev/null
    # SIGTERM stops the sim with status 0 (docs/simulator.md).
    reap "$SIM_PID" "$T_WORK/sim.err" "compshare-sim when stopped"
    SIM_PID=""
  fi
}

sim_stats() { curl -s --max-time 10 "$SIM_URL/_sim/stats"; }
sim_stats_reset() { curl -s --max-time 10 -X POST "$SIM_URL/_sim/stats/reset" >/dev/null; }
# sim_count ACTION: requests of that action served since the last reset (0 if none).
sim_count() {
  local n
  n=$(sim_stats | grep -o "\"$1\"[[:space:]]*:[[:space:]]*[0-9]*" | grep -o '[0-9]*$')
  echo "${n:-0}"
}
sim_total() {
  local n
  n=$(sim_stats | grep -o '"total"[[:space:]]*:[[:space:]]*[0-9]*' | grep -o '[0-9]*$')
  echo "${n:-0}"
}
# sim_api ACTION [NAME=VALUE...]: one signed API request to the sim, as a client
# would send it (form-encoded POST); prints the JSON answer. Counted in stats.
sim_api() {
  local p=("Action=$1" "PublicKey=$SIM_PUBLIC_KEY") a args=()
  shift
  p+=("$@")
  local sig
  sig=$({ printf '%s\n' "${p[@]}" | LC_ALL=C sort -t= -k1,1 | sed 's/=//' | tr -d '\n'
    printf '%s' "$SIM_PRIVATE_KEY"; } | sha1sum | cut -c1-40)
  for a in "${p[@]}" "Signature=$sig"; do args+=(--data-urlencode "$a"); done
  curl -s --max-time 10 "${args[@]}" "$SIM_URL"
}
# sim_faults JSON: set fault injection at run time, e.g. '{"http_5xx": 1}'.
sim_faults() {
  curl -s --max-time 10 -X POST -H 'Content-Type: application/json' -d "$1" \
    "$SIM_URL/_sim/faults" >/dev/null
}
sim_faults_clear() {
  curl -s --max-time 10 -X POST "$SIM_URL/_sim/faults/reset" >/dev/null
}
# sim_clock_advance SECONDS: move the sim's world clock on by SECONDS (a sim started
# with --clock manual stands still otherwise), so that what takes that long is done,
# however slow the machine. Fails the test when the sim refuses.
sim_clock_advance() {
  local r
  r=$(curl -s --max-time 10 -X POST -d "{\"advance\": $1}" "$SIM_URL/_sim/clock")
  [[ "$r" == *'"now"'* ]] || { fail "sim_clock_advance $1: $r"; return 1; }
}

# ---- the mount ----
write_credentials() {
  local f=$T_WORK/credentials.json
  printf '{"public_key": "%s", "private_key": "%s"}\n' "$SIM_PUBLIC_KEY" "$SIM_PRIVATE_KEY" >"$f"
  chmod 600 "$f"
  echo "$f"
}

# fs_mount [-o options...]: mounts on $MNT in the foreground (in the background
# of this shell), waits until the mount answers. Extra args go to compsharefs.
fs_mount() {
  require_fuse
  local cred
  cred=$(write_credentials)
  "$COMPSHAREFS_BIN" -f -o "credentials=$cred,endpoint=$SIM_URL" "$@" "$MNT" \
    >"$T_WORK/fs.log" 2>&1 &
  FS_PID=$!
  local i
  for i in $(seq 1 200); do
    if mountpoint -q "$MNT" 2>/dev/null; then return 0; fi
    if ! kill -0 "$FS_PID" 2>/dev/null; then
      echo "compsharefs exited before mounting:"; cat "$T_WORK/fs.log"
      FS_PID=""
      exit 1
    fi
    sleep 0.05
  done
  echo "compsharefs did not mount within 10 s:"; cat "$T_WORK/fs.log"
  exit 1
}

fs_unmount() {
  if mountpoint -q "$MNT" 2>/dev/null; then
    fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null
  fi
  if [ -n "$FS_PID" ]; then
    # After an unmount the daemon must exit 0: a crash, a sanitizer report or a
    # hang (killed: 137) at shutdown is a failure of the test.
    reap "$FS_PID" "$T_WORK/fs.log" "compsharefs after the unmount"
    FS_PID=""
  fi
}

# The first instance (by ID) whose status is STATE, from the mount.
instance_in_state() {
  local d
  for d in "$MNT"/instances/*/; do
    if [ "$(cat "$d/status" 2>/dev/null)" == "$1" ]; then basename "$d"; return 0; fi
  done
  return 1
}

# wait_for_status ID STATE [SECONDS]: poll until the instance shows STATE. With the
# sim's clock paused and advanced past the operation, this waits only for the mount's
# cached status to expire (ttl); SECONDS bounds it against a hang.
wait_for_status() {
  local i limit=$(( ${3:-30} * 10 ))
  for ((i = 0; i < limit; i++)); do
    [ "$(cat "$MNT/instances/$1/status" 2>/dev/null)" == "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
