#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` into a scratch DESTDIR, as a packager or `sudo cmake
# --install build` would: the binaries, both man pages (rendered by man(1),
# naming every option of --help and every exit status), the systemd unit
# (systemd-analyze verify), the example credentials file (0600) and the docs,
# in FHS places; and, with the default prefix, paths under /usr/local.
. "$(dirname "$0")/lib.sh"

if DESTDIR=$T_WORK/root cmake --install "$BUILD_DIR" --prefix /usr >"$T_WORK/install.log" 2>&1; then
  pass "cmake --install --prefix /usr into a DESTDIR"
  check_installed "$T_WORK/root" "cmake --install"
else
  fail "cmake --install: $(tail -5 "$T_WORK/install.log")"
fi

# The default prefix: the unit and the man page name what was installed there.
if DESTDIR=$T_WORK/local cmake --install "$BUILD_DIR" --prefix /usr/local \
  >"$T_WORK/install-local.log" 2>&1; then
  expect_match "prefix /usr/local: the unit runs /usr/local/bin/compsharefs" \
    "$(grep '^ExecStart=' "$T_WORK/local/usr/local/lib/systemd/system/compsharefs@.service" 2>&1)" \
    '^ExecStart=/usr/local/bin/compsharefs '
  expect_match "prefix /usr/local: compsharefs(1) names the docs there" \
    "$(render "$T_WORK/local/usr/local/share/man/man1/compsharefs.1.gz")" \
    '/usr/local/share/doc/compsharefs/examples/credentials\.json'
else
  fail "cmake --install --prefix /usr/local: $(tail -5 "$T_WORK/install-local.log")"
fi

# The README documents the exit statuses --help lists.
missing=""
for n in $("$T_WORK/root/usr/bin/compsharefs" --help | sed -n '/^Exit status:/,$p' |
  grep -oE '^    [0-9]+'); do
  grep -qE "^\| *\`?$n\`? *\|" "$SRC_DIR/README.md" || missing+=" $n"
done
expect_eq "README's exit status table has each status of --help" "${missing# }" ""

check_summary
