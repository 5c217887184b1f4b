# SPDX-License-Identifier: MIT
# tests/install/lib.sh - what both installs must hold (cmake --install into a
# DESTDIR, and the .deb extracted with dpkg -x): check_installed ROOT WHAT.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"

: "${BUILD_DIR:?BUILD_DIR must name the build directory}"
: "${TESTS_DIR:?TESTS_DIR must name tests/}"
SRC_DIR=$(cd "$TESTS_DIR/.." && pwd)
T_WORK=$(mktemp -d /tmp/compsharefs-install.XXXXXX)
trap 'rm -rf "$T_WORK"' EXIT

# mode_is WHAT FILE MODE
mode_is() {
  if [ -e "$2" ]; then expect_eq "$1" "$(stat -c %a "$2")" "$3"; else fail "$1: $2 is missing"; fi
}

# render PAGE: the man page as man(1) shows it on an 80-column terminal,
# without hyphenation (so that a grep finds every word whole); groff's
# warnings go to $T_WORK/warnings.
render() {
  LC_ALL=C MANWIDTH=80 man --nh --nj --warnings -l "$1" 2>"$T_WORK/warnings"
}

# The options a --help names: "-x" and "--long" flags, and every name of a
# "-o a,b=X,c" list (without its value; "x-*" as "x-").
options_of_help() {
  { grep -oE -- '(^|[ ,(])(-[A-Za-z]|--[a-z][a-z0-9-]*)\b' <<<"$HELP" | grep -oE -- '-.*'
    grep -oE -- '-o [a-z_][a-z0-9_.,=*-]*' <<<"$HELP" | cut -c4- | tr ',' '\n' |
      sed -E 's/=.*//; s/\*$//'
  } | sort -u
}

# page_names_options WHAT PAGE_TEXT HELP: every option of HELP in the page.
page_names_options() {
  local what=$1 text=$2 opt missing="" n=0
  HELP=$3
  for opt in $(options_of_help); do
    n=$((n + 1))
    case $opt in
      *-) grep -qF -- "$opt" <<<"$text" || missing+=" $opt" ;;
      *) grep -qwF -- "$opt" <<<"$text" || missing+=" $opt" ;;
    esac
  done
  expect_eq "$what: names each of the $n options of --help" "${missing# }" ""
}

# section PAGE_TEXT NAME: the lines of one section of a rendered page.
section() { awk -v s="$2" '/^[A-Z]/ { on = ($0 == s) } on' <<<"$1"; }

# check_installed ROOT WHAT: the files, their modes, the programs, the man
# pages and the unit of an install under ROOT (prefix /usr).
check_installed() {
  local root=$1 what=$2 doc=$1/usr/share/doc/compsharefs
  local fs=$root/usr/bin/compsharefs sim=$root/usr/bin/compshare-sim
  local unit=$root/usr/lib/systemd/system/compsharefs@.service page text
  mode_is "$what: /usr/bin/compsharefs" "$fs" 755
  mode_is "$what: /usr/bin/compshare-sim" "$sim" 755
  mode_is "$what: compsharefs(1)" "$root/usr/share/man/man1/compsharefs.1.gz" 644
  mode_is "$what: compshare-sim(1)" "$root/usr/share/man/man1/compshare-sim.1.gz" 644
  mode_is "$what: the systemd unit" "$unit" 644
  mode_is "$what: the example credentials file is private" "$doc/examples/credentials.json" 600
  for page in README.md copyright errors.md simulator.md; do
    mode_is "$what: $page in /usr/share/doc/compsharefs" "$doc/$page" 644
  done
  expect_match "$what: the example credentials are JSON with both keys" \
    "$(cat "$doc/examples/credentials.json" 2>&1)" '"public_key".*"private_key"'
  expect_match "$what: compsharefs --version runs" "$("$fs" --version 2>&1)" \
    '^compsharefs [0-9]+\.[0-9]+\.[0-9]+'
  expect_match "$what: compshare-sim --version runs" "$("$sim" --version 2>&1)" \
    '^compshare-sim [0-9]+\.[0-9]+\.[0-9]+'

  # the unit: what it runs, and systemd's own opinion of it
  expect_match "$what: the unit runs the installed compsharefs in the foreground" \
    "$(grep '^ExecStart=' "$unit" 2>&1)" '^ExecStart=/usr/bin/compsharefs -f .* %f$'
  expect_true "$what: the unit starts once the network is online" \
    grep -qx 'After=network-online.target' "$unit"
  expect_true "$what: the unit does not retry a bad configuration (exit 2, 3)" \
    grep -qx 'RestartPreventExitStatus=2 3' "$unit"
  if command -v systemd-analyze >/dev/null; then
    local inst="$T_WORK/compsharefs@mnt-compshare.service" out
    sed "s|/usr/bin/compsharefs|$fs|" "$unit" >"$inst" # the binary it names must exist
    out=$(systemd-analyze verify --man=no "$inst" 2>&1)
    expect_eq "$what: systemd-analyze verify finds nothing to say" "$?:$out" "0:"
  else
    fail "$what: systemd-analyze is missing (scripts/lib/deps.sh installs systemd)"
  fi

  # compsharefs(1): renders cleanly, names every option and exit status
  text=$(render "$root/usr/share/man/man1/compsharefs.1.gz")
  expect_eq "$what: compsharefs(1) renders without warnings" "$(cat "$T_WORK/warnings")" ""
  expect_match "$what: compsharefs(1) has its synopsis with SOURCE" "$text" \
    'compsharefs \[options\] \[SOURCE\] MOUNTPOINT'
  page_names_options "$what: compsharefs(1)" "$text" "$("$fs" --help)"
  local name missing=""
  for name in SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILESYSTEM COMMANDS ERRORS \
    "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
    grep -qx "$name" <<<"$text" || missing+=" [$name]"
  done
  expect_eq "$what: compsharefs(1) has every section" "${missing# }" ""
  missing=""
  for name in $("$fs" --help | sed -n '/^Exit status:/,$p' | grep -oE '^    [0-9]+' ); do
    section "$text" "EXIT STATUS" | grep -qE "^ +$name +[A-Z]" || missing+=" $name"
  done
  expect_eq "$what: compsharefs(1)'s EXIT STATUS describes each status of --help" \
    "${missing# }" ""
  missing=""
  for name in $("$fs" --help | grep -oE 'UCLOUD_[A-Z_]+' | sort -u) EINVAL EBUSY EPERM ENOENT \
    EEXIST EACCES EAGAIN ETIMEDOUT EIO; do
    grep -qwF "$name" <<<"$text" || missing+=" $name"
  done
  expect_eq "$what: compsharefs(1) names the environment and every errno" "${missing# }" ""
  expect_match "$what: compsharefs(1) shows an fstab line" "$(section "$text" EXAMPLES)" \
    'compshare /mnt/compshare fuse\.compsharefs [^ ]*credentials=[^ ]* 0 0'
  expect_match "$what: compsharefs(1) shows the systemd unit in use" \
    "$(section "$text" EXAMPLES)" 'systemctl enable --now compsharefs@'
  expect_match "$what: compsharefs(1) points to the installed docs" "$(section "$text" FILES)" \
    '/usr/share/doc/compsharefs/examples/credentials\.json'

  # compshare-sim(1)
  text=$(render "$root/usr/share/man/man1/compshare-sim.1.gz")
  expect_eq "$what: compshare-sim(1) renders without warnings" "$(cat "$T_WORK/warnings")" ""
  page_names_options "$what: compshare-sim(1)" "$text" "$("$sim" --help)"
  expect_true "$what: compshare-sim(1) has an EXIT STATUS" grep -qx 'EXIT STATUS' <<<"$text"
}
