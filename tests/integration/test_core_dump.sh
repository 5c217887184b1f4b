#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The private key is in no core dump of a running daemon (README, "Options":
# the key never appears in argv, logs, error text, core dumps or the mount).
# The API client keeps its copy in pages excluded from dumps (MADV_DONTDUMP);
# every other copy (the configuration's, the key file's bytes, cJSON's
# strings) is wiped once the client holds the key.
#
# The daemon reads and runs a command (so requests were signed), then gdb's
# gcore, which leaves out the same pages as the kernel, writes its core, and
# the core is searched for the key. (A kernel core would do too, but the
# daemon's working directory is / by then, and core_pattern is the machine's:
# gcore puts the core where the test can find it and remove it.)
. "$(dirname "$0")/lib.sh"
require_fuse
# scripts/lib/deps.sh installs gdb: a missing gcore is a broken setup, not a skip
if ! command -v gcore >/dev/null; then
  fail "gdb's gcore is not installed (scripts/lib/deps.sh installs it)"
  check_summary
fi
# A sanitizer build maps terabytes of shadow memory: its core is no test of
# ours, and would fill the disk (AddressSanitizer turns core dumps off itself).
if ldd "$COMPSHAREFS_BIN" 2>/dev/null | grep -qE 'lib(a|ub|t)san'; then
  echo "SKIP: $COMPSHAREFS_BIN is a sanitizer build (its core would hold the shadow memory)"
  exit 77
fi
CORE_LIMIT_KB=$((1024 * 1024)) # a core of this daemon is a few hundred MB; never more than 1 GiB

sim_start --instances 8 --seed 7 --time-scale 20
fs_mount -o ttl=1

A=$(pick_instance Running)
expect_eq "the daemon reads" "$(rd "$I/$A/status")" "Running"
out=$(write_file "$I/$A/ctl" reboot)
expect_eq "and runs a command (signed requests)" "$?:$out" "0:"
sleep 1.2
rd "$I/$A/status" >/dev/null # one more signed listing

(ulimit -f "$CORE_LIMIT_KB" && gcore -o "$T_WORK/core" "$FS_PID") >"$T_WORK/gcore.log" 2>&1
gcore_rc=$?
core=$(ls "$T_WORK"/core.* 2>/dev/null | head -n 1)
# gcore stops writing at the limit yet says it saved the core: a core that
# reached the limit is cut, and proves nothing: the key search never ran, so
# the test fails rather than pass on checks that did not happen
if [ "$gcore_rc" -ne 0 ] || [ -z "$core" ] || [ "$(stat -c %s "$core")" -ge $((CORE_LIMIT_KB * 1024)) ]; then
  rm -f "$T_WORK"/core.*
  fail "gcore could not dump the daemon whole within 1 GiB: $(tail -n 1 "$T_WORK/gcore.log")"
else
  expect_true "the core holds the public key (the search works)" grep -q -a -F "$SIM_PUBLIC_KEY" "$core"
  expect_eq "the private key is nowhere in the core" "$(grep -c -a -F "$SIM_PRIVATE_KEY" "$core")" "0"
  rm -f "$core"
fi
expect_eq "the daemon still answers after the dump" "$(rd "$I/$A/zone" | cut -c1-7)" "cn-wlcb"

finish
