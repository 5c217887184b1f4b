#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Debian package: `cpack -G DEB` from the build directory, then what
# dpkg -x extracts holds what an install must (lib.sh: binaries, man pages,
# unit, example credentials 0600, docs), its Depends were computed for the
# libraries the binaries link plus fuse3, and the extracted compsharefs runs.
. "$(dirname "$0")/lib.sh"

if [ "${COMPSHAREFS_SANITIZE:-OFF}" = "ON" ]; then
  # A package is made from the plain build: sanitizer binaries need the
  # sanitizer runtimes at run time and are never shipped.
  echo "SKIP: a sanitizer build is not packaged"
  exit 77
fi

if (cd "$BUILD_DIR" && cpack -G DEB -B "$T_WORK/pkg") >"$T_WORK/cpack.log" 2>&1; then
  pass "cpack -G DEB"
else
  fail "cpack -G DEB: $(tail -5 "$T_WORK/cpack.log")"
  check_summary
fi
debs=("$T_WORK"/pkg/compsharefs_*.deb)
expect_eq "one package, named as Debian names them" "${#debs[@]}:$(basename "${debs[0]}")" \
  "1:compsharefs_$("$BUILD_DIR/src/daemon/compsharefs" --version | head -n1 | cut -d' ' -f2)_$(dpkg --print-architecture).deb"
deb=${debs[0]}

depends=$(dpkg-deb -f "$deb" Depends 2>&1)
for lib in fuse3 libfuse3-3 'libcurl[0-9a-z-]*' 'libcjson[0-9]+' libc6; do
  expect_match "Depends names $lib" "$depends" "(^|, )$lib( |,|$)"
done
expect_eq "section and maintainer are set" \
  "$(dpkg-deb -f "$deb" Section):$(dpkg-deb -f "$deb" Maintainer | grep -c @)" "utils:1"

if dpkg -x "$deb" "$T_WORK/root" 2>"$T_WORK/dpkg.err"; then
  check_installed "$T_WORK/root" "the .deb"
  expect_eq "the .deb holds nothing outside /usr" "$(ls "$T_WORK/root")" "usr"
else
  fail "dpkg -x: $(cat "$T_WORK/dpkg.err")"
fi

check_summary
