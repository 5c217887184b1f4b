# SPDX-License-Identifier: MIT
# tests/lib/check.sh - the checks every shell test uses: counters, expect_*,
# errno texts, and a bounded wait for a child process. Sourced by
# integration/lib.sh (the mount harness) and by tests that mount nothing.
# The last line a test prints is "N passed, N failed, N skipped" (check_summary).

T_PASS=0 T_FAIL=0 T_SKIP=0

pass() { T_PASS=$((T_PASS + 1)); echo "ok   - $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $*"; }
skip() { T_SKIP=$((T_SKIP + 1)); echo "skip - $*"; }

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: got [$2], expected [$3]"; fi
}
# expect_match DESCRIPTION ACTUAL REGEX
expect_match() {
  if [[ "$2" =~ $3 ]]; then pass "$1"; else fail "$1: [${2:0:300}] does not match /$3/"; fi
}
# expect_true DESCRIPTION COMMAND...
expect_true() {
  local d=$1; shift
  if "$@"; then pass "$d"; else fail "$d: command failed: $*"; fi
}
# expect_le DESCRIPTION ACTUAL MAX
expect_le() {
  if [ "$2" -le "$3" ]; then pass "$1 ($2 <= $3)"; else fail "$1: $2 > $3"; fi
}

# check_summary: the last line, and the exit status (1 on any failure).
check_summary() {
  echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
  [ "$T_FAIL" -eq 0 ] || exit 1
  exit 0
}

# reap PID LOG WHAT: waits (bounded: 10 s, then kill -9) for a child of this
# shell that was told to end, and collects its exit status. A non-zero status
# (137: it hung and was killed) is a failure, shown with the end of LOG.
# Returns that status.
reap() {
  local i st
  for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  st=$?
  if [ $st -ne 0 ]; then
    fail "$3: exited with status $st; its log ends:"
    tail -n 40 "$2" | sed 's/^/    /'
  fi
  return $st
}

# The strerror text the shell prints for an errno name.
errno_text() {
  case $1 in
    EINVAL) echo "Invalid argument" ;;
    EBUSY) echo "Device or resource busy" ;;
    EPERM) echo "Operation not permitted" ;;
    ENOENT) echo "No such file or directory" ;;
    EACCES) echo "Permission denied" ;;
    EAGAIN) echo "Resource temporarily unavailable" ;;
    ETIMEDOUT) echo "Connection timed out" ;;
    EIO) echo "Input/output error" ;;
    EEXIST) echo "File exists" ;;
    ENOSPC) echo "No space left on device" ;;
    EINTR) echo "Interrupted system call" ;;
    EISDIR) echo "Is a directory" ;;
    ENOTDIR) echo "Not a directory" ;;
    ENOTEMPTY) echo "Directory not empty" ;;
    *) echo "$1" ;;
  esac
}
