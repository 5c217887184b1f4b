# SPDX-License-Identifier: MIT
# scripts/lib/deps.sh - install the Debian packages the build, tests and demo need,
# only those missing. Sourced by demo.sh, test.sh and bench.sh.

COMPSHAREFS_PACKAGES=(
  build-essential cmake pkg-config
  libfuse3-dev fuse3
  libcurl4-openssl-dev libssl-dev libcjson-dev
  libmicrohttpd-dev libcmocka-dev
  clang libclang-rt-14-dev   # libFuzzer and the sanitizer runtimes
  curl procps util-linux     # curl talks to /_sim/stats; ps, mountpoint
  rsync                      # the shell-tools test copies a tree with it
  prometheus                 # promtool: the metrics test checks /metrics with it
  gdb                        # gcore: the core-dump test searches a daemon's core for the key
  man-db                     # man -l: the install tests render compsharefs(1), compshare-sim(1)
  dpkg-dev file              # cpack -G DEB computes Depends with dpkg-shlibdeps, which needs file
  systemd                    # systemd-analyze verify checks the unit (nothing is started)
)

install_deps() {
  local missing=() pkg
  for pkg in "${COMPSHAREFS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
