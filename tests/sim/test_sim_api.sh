#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/sim/test_sim_api.sh - compshare-sim on its own, driven with curl and
# requests signed in bash (sorted name+value pairs plus the private key, SHA-1):
# gateway errors, parameters, paging, the state machine, the lock, images, the three
# request encodings, /_sim/stats, the world clock (/_sim/clock) and faults set at run
# time. No FUSE needed. The sim's clock is paused (--clock manual): every operation
# lasts until the test advances the clock by its duration, so no check depends on how
# fast the machine is. Every answer's shapes: tests/sim/test_sim_schema.c.
# Env: COMPSHARE_SIM = the compshare-sim binary. Last line: "N passed, N failed, N skipped".
set -u

: "${COMPSHARE_SIM:?COMPSHARE_SIM must name the compshare-sim binary}"
for tool in curl sha1sum sort sed grep; do
  command -v "$tool" >/dev/null || { echo "skip: $tool is missing"; exit 77; }
done

. "$(dirname "$0")/../lib/check.sh"
WORK=$(mktemp -d /tmp/test-sim-api.XXXXXX)
SIM_PIDS=()
cleanup() {
  local pid
  for pid in "${SIM_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${SIM_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# start_sim NAME ARGS...: start a sim, wait for its URL line; sets URL and SIM_PID.
start_sim() {
  local name=$1; shift
  "$COMPSHARE_SIM" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  SIM_PID=$!
  SIM_PIDS+=("$SIM_PID")
  URL=""
  local i
  for i in $(seq 1 100); do
    URL=$(head -1 "$WORK/$name.out" 2>/dev/null)
    [ -n "$URL" ] && return 0
    sleep 0.05
  done
  echo "compshare-sim did not start:"; cat "$WORK/$name.err"
  return 1
}

PUB=sim-public-key PRIV=sim-private-key

# sign NAME=VALUE...: the signature over these parameters with $PRIV.
sign() {
  { printf '%s\n' "$@" | LC_ALL=C sort -t= -k1,1 | sed 's/=//' | tr -d '\n'; printf '%s' "$PRIV"; } |
    sha1sum | cut -c1-40
}
# api NAME=VALUE...: signed form POST; prints the body.
api() {
  local sig args=() a
  sig=$(sign "$@" "PublicKey=$PUB")
  for a in "$@" "PublicKey=$PUB" "Signature=$sig"; do args+=(--data-urlencode "$a"); done
  curl -s --max-time 10 "${args[@]}" "$URL"
}
# api_status FILE NAME=VALUE...: signed form POST; body to FILE, prints the HTTP status.
api_status() {
  local out=$1 sig args=() a
  shift
  sig=$(sign "$@" "PublicKey=$PUB")
  for a in "$@" "PublicKey=$PUB" "Signature=$sig"; do args+=(--data-urlencode "$a"); done
  curl -s --max-time 10 -o "$out" -w '%{http_code}' "${args[@]}" "$URL"
}
# raw_post NAME=VALUE...: form POST exactly as given (no PublicKey or Signature added).
raw_post() {
  local args=() a
  for a in "$@"; do args+=(--data-urlencode "$a"); done
  curl -s --max-time 10 "${args[@]}" "$URL"
}
# field NAME JSON: the first value of NAME (string unquoted, or number).
field() {
  grep -o "\"$1\":\(\"[^\"]*\"\|[-0-9.]*\)" <<<"$2" | head -1 | sed "s/^\"$1\"://; s/^\"//; s/\"\$//"
}
count() { grep -o "$1" <<<"$2" | wc -l | tr -d ' '; }
ids_of() { grep -o '"UHostId":"uhost-[0-9a-f]*"' <<<"$1" | cut -d'"' -f4; }
state_of() { field State "$(api Action=DescribeCompShareInstance "UHostIds.0=$1")"; }
# clock JSON: POST /_sim/clock; prints the answer.
clock() { curl -s --max-time 10 -X POST --data-binary "$1" "$URL/_sim/clock"; }
# advance SECONDS: the world clock moves on that much.
advance() { clock "{\"advance\": $1}" >/dev/null; }

# ---------------------------------------------------------------- start
start_sim a --instances 250 --seed 7 --clock manual || exit 1
expect_match "first stdout line is the URL" "$URL" '^http://127\.0\.0\.1:[0-9]+$'

# #1 is the source of the Making custom image (docs/simulator.md): check early.
page=$(api Action=DescribeCompShareInstance Limit=10)
mapfile -t first < <(ids_of "$page")
I0=${first[0]} I1=${first[1]} I4=${first[4]} I5=${first[5]}
r=$(api Action=StartCompShareInstance Region=cn-wlcb Zone=cn-wlcb-02 "UHostId=$I1")
expect_eq "Start while a custom image is Making: 8043" "$(field RetCode "$r")" 8043
expect_match "8043 message" "$(field Message "$r")" InstanceImageMaking

# ---------------------------------------------------------------- gateway errors
r=$(raw_post Region=cn-wlcb)
expect_eq "missing Action: 160" "$(field RetCode "$r")" 160
expect_match "160 message" "$(field Message "$r")" "Missing Action"
r=$(raw_post Action=DescribeCompShareInstance PublicKey=$PUB)
expect_eq "missing Signature: 170" "$(field RetCode "$r")" 170
expect_match "170 answer names the action" "$(field Action "$r")" "^DescribeCompShareInstanceResponse$"
sig=$(sign Action=DescribeCompShareInstance PublicKey=nobody)
r=$(raw_post Action=DescribeCompShareInstance PublicKey=nobody "Signature=$sig")
expect_eq "unknown PublicKey: 172" "$(field RetCode "$r")" 172
expect_match "172 message" "$(field Message "$r")" "User not exist"
r=$(PRIV=wrong-key api Action=DescribeCompShareInstance)
expect_eq "wrong private key: 171" "$(field RetCode "$r")" 171
expect_match "171 message" "$(field Message "$r")" "Signature VerifyAC Error"
sig=$(sign Action=DescribeCompShareInstance Limit=5 PublicKey=$PUB)
r=$(raw_post Action=DescribeCompShareInstance Limit=6 PublicKey=$PUB "Signature=$sig")
expect_eq "parameter changed after signing: 171" "$(field RetCode "$r")" 171
r=$(api Action=NoSuchAction)
expect_eq "unknown action: 161" "$(field RetCode "$r")" 161
expect_match "161 message" "$(field Message "$r")" "Action \[NoSuchAction\] not found"
expect_eq "161 Action field" "$(field Action "$r")" NoSuchActionResponse
code=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode Action=NoSuchAction "$URL")
expect_eq "API errors come with HTTP 200" "$code" 200

# ---------------------------------------------------------------- parameters
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01)
expect_eq "missing UHostId: 230" "$(field RetCode "$r")" 230
expect_match "230 message" "$(field Message "$r")" "Missing params \[UHostId\]"
r=$(api Action=RebootCompShareInstance Zone=cn-wlcb-01 "UHostId=$I0")
expect_match "missing Region: 230" "$(field RetCode "$r") $(field Message "$r")" "^230 Missing params \[Region\]"
for bad in 101 -1 abc 1.5; do
  r=$(api Action=DescribeCompShareInstance "Limit=$bad")
  expect_match "Limit=$bad: 231" "$(field RetCode "$r") $(field Message "$r")" "^231 Params \[Limit\] not valid"
done
r=$(api Action=DescribeCompShareInstance Offset=-5)
expect_eq "Offset=-5: 231" "$(field RetCode "$r")" 231
r=$(api Action=DescribeCompShareInstance Region=cn-sh2 Zone=cn-wlcb-01)
expect_match "Zone outside Region: 231" "$(field RetCode "$r") $(field Message "$r")" "^231 Params \[Zone\]"
r=$(api Action=DescribeCompShareImages Region=cn-wlcb ImageType=Bogus)
expect_eq "ImageType=Bogus: 231" "$(field RetCode "$r")" 231

# ---------------------------------------------------------------- paging
all=""
for off in 0 100 200; do
  r=$(api Action=DescribeCompShareInstance Limit=100 "Offset=$off")
  expect_eq "page at $off: TotalCount" "$(field TotalCount "$r")" 250
  all+=$(ids_of "$r")$'\n'
  n=$(ids_of "$r" | wc -l)
  expect_eq "page at $off: size" "$n" "$([ "$off" -eq 200 ] && echo 50 || echo 100)"
done
expect_eq "three pages: 250 distinct IDs" "$(grep -c . <<<"$all" | tr -d ' ')/$(sort -u <<<"$all" | grep -c .)" 250/250
again=""
for off in 0 100 200; do again+=$(ids_of "$(api Action=DescribeCompShareInstance Limit=100 "Offset=$off")")$'\n'; done
expect_eq "paging is stable" "$(sha1sum <<<"$again")" "$(sha1sum <<<"$all")"
expect_match "IDs look like uhost-xxxxxxxx" "$(head -1 <<<"$all")" '^uhost-[0-9a-f]{8}$'
r=$(api Action=DescribeCompShareInstance Offset=250 Limit=100)
expect_eq "offset past the end: empty page" "$(count '"UHostId"' "$r")/$(field TotalCount "$r")" 0/250
r=$(api Action=DescribeCompShareInstance)
expect_eq "default Limit is 20" "$(count '"UHostId"' "$r")" 20
r=$(api Action=DescribeCompShareInstance Region=cn-wlcb Limit=100 Offset=200)
expect_eq "Region=cn-wlcb: TotalCount" "$(field TotalCount "$r")" 219
wlcb=""
for off in 0 100 200; do wlcb+=$(api Action=DescribeCompShareInstance Region=cn-wlcb Limit=100 "Offset=$off"); done
expect_eq "Region=cn-wlcb lists no cn-sh2 instance" "$(count '"Zone":"cn-sh2' "$wlcb")" 0
r=$(api Action=DescribeCompShareInstance Region=cn-sh2 Limit=100)
expect_eq "Region=cn-sh2: TotalCount" "$(field TotalCount "$r")/$(count '"Zone":"cn-wlcb' "$r")" 31/0
r=$(api Action=DescribeCompShareInstance "UHostIds.0=$I0" "UHostIds.1=$I5" UHostIds.2=uhost-00000000)
expect_eq "UHostIds.N filter" "$(field TotalCount "$r")" 2
r=$(api Action=DescribeCompShareInstance "UHostIds.0=$I0")
missing=""
for f in UHostId Name Zone State CompShareImageId InstanceType GpuType GPU CPU Memory Password \
  SshLoginCommand ChargeType CreateTime InstancePrice CpuUsageRate GpuUsageRate DiskId IPMode; do
  [ -n "$(field "$f" "$r")" ] || missing+="$f "
done
expect_eq "instance fields are filled (none missing)" "$missing" ""
expect_eq "#4 runs the container image" "$(field InstanceType "$(api Action=DescribeCompShareInstance "UHostIds.0=$I4")")" Container

# ---------------------------------------------------------------- state machine and lock
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0")
expect_eq "reboot accepted" "$(field RetCode "$r")/$(field UHostId "$r")" "0/$I0"
expect_eq "Rebooting right after the reboot" "$(state_of "$I0")" Rebooting
r=$(api Action=StopCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0")
expect_eq "stop during reboot: 8042" "$(field RetCode "$r")" 8042
expect_match "8042 message" "$(field Message "$r")" InstanceOperationInProgress
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0")
expect_eq "second reboot: 8042" "$(field RetCode "$r")" 8042
r=$(api Action=ModifyCompShareInstanceName Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0" "Name=改名-测试 01")
expect_eq "rename needs no lock" "$(field RetCode "$r")" 0
expect_eq "new name listed" "$(field Name "$(api Action=DescribeCompShareInstance "UHostIds.0=$I0")")" "改名-测试 01"
advance 29
expect_eq "29 s later: still Rebooting, still locked" \
  "$(state_of "$I0")/$(field RetCode "$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0")")" \
  Rebooting/8042
advance 1
expect_eq "30 s later: Rebooting -> Running" "$(state_of "$I0")" Running
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-02 "UHostId=$I0")
expect_match "wrong zone: 8039" "$(field RetCode "$r") $(field Message "$r")" "^8039 InstanceNotFound"
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 UHostId=uhost-00000000)
expect_eq "unknown instance: 8039" "$(field RetCode "$r")" 8039
r=$(api Action=StartCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0")
expect_eq "start a Running instance: 8041" "$(field RetCode "$r")" 8041
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-03 "UHostId=$I5")
expect_eq "reboot a Stopped instance: 8041" "$(field RetCode "$r")" 8041
expect_match "8041 message" "$(field Message "$r")" "InvalidInstanceState: instance $I5 is Stopped; reboot needs Running"
r=$(api Action=ReinstallCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0" CompShareImageId=x)
expect_eq "reinstall needs CompShareImageId to exist: 8040" "$(field RetCode "$r")" 8040

images=$(api Action=DescribeCompShareImages Region=cn-wlcb Limit=100)
container=$(grep -o '"CompShareImageId":"[^"]*","Name":"[^"]*","ImageType":"System","Status":"Available","Size":[0-9]*,"Container":"True"' <<<"$images" | cut -d'"' -f4)
expect_match "a System container image exists" "$container" '^compshareImage-'
expect_eq "App images listed with ImageType=App" \
  "$(count '"ImageType":"App"' "$(api Action=DescribeCompShareImages Region=cn-wlcb ImageType=App)") $(count '"ImageType":"App"' "$images")" "5 0"
r=$(api Action=ReinstallCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0" "CompShareImageId=$container")
expect_eq "reinstall a Running instance: 8041" "$(field RetCode "$r")" 8041
r=$(api Action=StopCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0")
expect_eq "stop accepted" "$(field RetCode "$r")/$(state_of "$I0")" 0/Stopping
advance 20
expect_eq "20 s later: Stopping -> Stopped" "$(state_of "$I0")" Stopped
before=$(field Password "$(api Action=DescribeCompShareInstance "UHostIds.0=$I0")")
r=$(api Action=ReinstallCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0" "CompShareImageId=$container")
expect_eq "reinstall accepted" "$(field RetCode "$r")/$(state_of "$I0")" 0/Initializing
d=$(api Action=DescribeCompShareInstance "UHostIds.0=$I0")
expect_eq "reinstall switched the image" "$(field CompShareImageId "$d")/$(field InstanceType "$d")" "$container/Container"
if [ "$(field Password "$d")" != "$before" ]; then pass "VM -> container: new password"; else fail "password kept"; fi
advance 60
expect_eq "60 s later: Initializing -> Running" "$(state_of "$I0")" Running
r=$(api Action=StartCompShareInstance Region=cn-wlcb Zone=cn-wlcb-03 "UHostId=$I5")
expect_eq "start accepted" "$(field RetCode "$r")/$(state_of "$I5")" 0/Starting
advance 25
expect_eq "25 s later: Starting -> Running" "$(state_of "$I5")" Running

# ---------------------------------------------------------------- custom images
r=$(api Action=CreateCompShareCustomImage Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0" Name=sim-test-image)
img=$(field CompShareImageId "$r")
expect_match "custom image created" "$(field RetCode "$r") $img" '^0 compshareImage-'
r=$(api Action=CreateCompShareCustomImage Region=cn-wlcb Zone=cn-wlcb-03 "UHostId=$I5" Name=sim-test-image)
expect_match "same name again: 8044" "$(field RetCode "$r") $(field Message "$r")" "^8044 ImageNameDuplicate"
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-01 "UHostId=$I0")
expect_eq "reboot while its image is Making: 8043" "$(field RetCode "$r")" 8043
r=$(api Action=GetCompShareImageCreateProgress Region=cn-wlcb Zone=cn-wlcb-01 "CompShareImageId=$img")
p=$(field Process "$r") t=$(field TotalDuration "$r") left=$(field RemainingDuration "$r")
expect_match "progress as the image starts: 0 %, 180..300 s" "$(field RetCode "$r") $p $t" \
  '^0 0 (1[89][0-9]|2[0-9][0-9]|300)$'
expect_eq "RemainingDuration = TotalDuration at the start" "$left" "$t"
expect_match "durations are strings, as the SDKs declare them" "$r" "\"TotalDuration\":\"$t\""
r=$(api Action=DescribeCompShareCustomImages Region=cn-wlcb Zone=cn-wlcb-03 "CompShareImageId=$img")
expect_eq "listed as Making" "$(field Status "$r")/$(field TotalCount "$r")" Making/1
advance $((t / 2))
r=$(api Action=GetCompShareImageCreateProgress Region=cn-wlcb Zone=cn-wlcb-01 "CompShareImageId=$img")
expect_eq "half-way: RemainingDuration is the rest" "$(field RemainingDuration "$r")" "$((t - t / 2))"
advance $((t - t / 2))
r=$(api Action=GetCompShareImageCreateProgress Region=cn-wlcb Zone=cn-wlcb-01 "CompShareImageId=$img")
expect_eq "finished: 100 / total / 0" "$(field Process "$r")/$(field TotalDuration "$r")/$(field RemainingDuration "$r")" "100/$t/0"
r=$(api Action=DescribeCompShareCustomImages Region=cn-wlcb Zone=cn-wlcb-01 "CompShareImageId=$img")
expect_eq "then Available" "$(field Status "$r")" Available
r=$(api Action=GetCompShareImageCreateProgress Region=cn-wlcb Zone=cn-wlcb-01 "CompShareImageId=$container")
expect_eq "progress of a platform image: 8040" "$(field RetCode "$r")" 8040

# ---------------------------------------------------------------- the world clock
c=$(curl -s "$URL/_sim/clock")
expect_match "GET /_sim/clock: paused" "$c" '"running":false'
c2=$(clock '{"advance": 12.5}')
expect_eq "advance 12.5: the clock moves exactly that much" \
  "$(awk -v a="$(field now "$c")" -v b="$(field now "$c2")" 'BEGIN { print b - a }')" 12.5
for bad in '{"advance": -1}' '{"advance": "10"}' '{"run": "yes"}' '{"advance": 1, "speed": 2}' \
  '[1]' 'x'; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "$bad" "$URL/_sim/clock")
  expect_eq "POST /_sim/clock $bad: HTTP 400" "$code" 400
done
expect_eq "a refused body moves nothing" "$(field now "$(curl -s "$URL/_sim/clock")")" \
  "$(field now "$c2")"
expect_match "/_sim/info names the clock mode" "$(curl -s "$URL/_sim/info")" '"clock":"manual"'
expect_match "run: the clock runs" "$(clock '{"run": true}')" '"running":true'
expect_match "run false: paused again" "$(clock '{"run": false}')" '"running":false'

# One advance across several events plays them in order, each at its own time: a
# scheduled stop fires, the stop it starts takes 20 s, ReleaseTime counts from then.
I8=${first[8]}
wall=$(field wall "$(curl -s "$URL/_sim/clock")")
r=$(api Action=UpdateCompShareStopScheduler Region=cn-wlcb "UHostId=$I8" "StopTime=$((wall + 100))")
expect_eq "a scheduled stop (Zone is optional)" "$(field RetCode "$r")" 0
d=$(api Action=DescribeCompShareInstance "UHostIds.0=$I8")
expect_eq "StopTime and StopSchedulerTime show it" \
  "$(field StopTime "$d")/$(field StopSchedulerTime "$d")" "$((wall + 100))/$((wall + 100))"
advance 1000
d=$(api Action=DescribeCompShareInstance "UHostIds.0=$I8")
expect_eq "1000 s later: fired at +100, Stopped at +120, released 15 days later, cleared" \
  "$(field State "$d")/$(field UpdateTime "$d")/$(field ReleaseTime "$d")/$(field StopTime "$d")" \
  "Stopped/$((wall + 120))/$((wall + 120 + 15 * 86400))/0"
r=$(api Action=UpdateCompShareStopScheduler Region=cn-wlcb "UHostId=$I8" "StopTime=$wall")
expect_match "a stop time in the past: 231" "$(field RetCode "$r") $(field Message "$r")" \
  '^231 Params \[StopTime\] not valid'
stopped=$(count '"State":"Stopped"' "$(api Action=DescribeCompShareInstance Limit=100)$(api Action=DescribeCompShareInstance Limit=100 Offset=100)$(api Action=DescribeCompShareInstance Limit=100 Offset=200)")
advance $((15 * 86400)) # every Stopped instance is released now (the fleet shrinks)
expect_eq "15 days after it stopped, it is released: gone" \
  "$(field TotalCount "$(api Action=DescribeCompShareInstance "UHostIds.0=$I8")")" 0
expect_eq "... and so is every other Stopped instance: $stopped fewer" \
  "$(field TotalCount "$(api Action=DescribeCompShareInstance Limit=1)")" "$((250 - stopped))"
"$COMPSHARE_SIM" --clock fast >/dev/null 2>&1
expect_eq "--clock fast: refused (exit 2)" "$?" 2

# ---------------------------------------------------------------- encodings
sig=$(sign Action=DescribeCompShareInstance Region=cn-wlcb "UHostIds.0=$I0" Limit=5 PublicKey=$PUB)
body="{\"Action\":\"DescribeCompShareInstance\",\"Region\":\"cn-wlcb\",\"UHostIds\":[\"$I0\"],\"Limit\":5.0,\"PublicKey\":\"$PUB\",\"Signature\":\"$sig\"}"
r=$(curl -s -H 'Content-Type: application/json' --data-binary "$body" "$URL")
expect_eq "JSON body (array flattened, 5.0 as 5)" "$(field RetCode "$r")/$(field TotalCount "$r")" 0/1
sig=$(sign Action=DescribeCompShareInstance "Name=训练 机" PublicKey=$PUB)
r=$(curl -s -G --data-urlencode Action=DescribeCompShareInstance --data-urlencode "Name=训练 机" \
  --data-urlencode "PublicKey=$PUB" --data-urlencode "Signature=$sig" "$URL")
expect_eq "GET query string" "$(field RetCode "$r")" 0
r=$(curl -s -H 'Content-Type: application/json' --data-binary '{"Action": ' "$URL")
expect_eq "broken JSON body: 231" "$(field RetCode "$r")" 231
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/xml' --data-binary '<x/>' "$URL")
expect_eq "unsupported Content-Type: 415" "$code" 415
if command -v python3 >/dev/null; then
  # Exactly what ucloud-sdk-python3 sends: encoder.encode() flattening, verify_ac()
  # over the sorted pairs, requests' form encoding (quote_plus).
  r=$(python3 - "$URL" "$PUB" "$PRIV" "$I0" <<'EOF'
import hashlib, sys, urllib.parse, urllib.request
url, pub, priv, uhost = sys.argv[1:5]
def enc(v):
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, float): return str(int(v)) if v % 1 == 0 else str(v)
    return str(v)
args = {"Region": "cn-wlcb", "Action": "DescribeCompShareInstance", "UHostIds": [uhost], "Limit": 10.0, "Zone": "cn-wlcb-01"}
payload = {}
for k, v in args.items():
    if isinstance(v, list):
        for i, item in enumerate(v): payload["%s.%d" % (k, i)] = enc(item)
    else:
        payload[k] = enc(v)
payload["PublicKey"] = pub
payload["Signature"] = hashlib.sha1(("".join(k + enc(v) for k, v in sorted(payload.items())) + priv).encode()).hexdigest()
req = urllib.request.Request(url, data=urllib.parse.urlencode(payload).encode(), method="POST",
    headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Python/3 Python-SDK/0.11", "U-Timestamp-Ms": "1"})
print(urllib.request.urlopen(req, timeout=10).read().decode())
EOF
)
  expect_eq "a request signed like the Python SDK" "$(field RetCode "$r")/$(field TotalCount "$r")" 0/1
else
  skip "a request signed like the Python SDK: python3 is missing"
fi

# ---------------------------------------------------------------- /_sim/stats
curl -s -X POST "$URL/_sim/stats/reset" >/dev/null
api Action=DescribeCompShareInstance >/dev/null
api Action=DescribeCompShareInstance Limit=101 >/dev/null
api Action=NoSuchAction >/dev/null
raw_post Region=cn-wlcb >/dev/null
curl -s "$URL/_sim/faults" >/dev/null
s=$(curl -s "$URL/_sim/stats")
expect_eq "stats count every API request, failed ones too" \
  "$(field DescribeCompShareInstance "$s")/$(field NoSuchAction "$s")/$(field '(missing)' "$s")/$(field total "$s")" 2/1/1/4
s=$(curl -s -X POST "$URL/_sim/stats/reset")
expect_eq "stats reset" "$s" '{"requests":{},"total":0}'

# ---------------------------------------------------------------- faults at run time
setf() { curl -s -X POST -H 'Content-Type: application/json' --data-binary "$1" "$URL/_sim/faults"; }
f=$(setf '{"retcode_153": 1, "actions": "DescribeCompShareImages"}')
expect_match "faults set" "$f" '"retcode_153":1'
r=$(api Action=DescribeCompShareImages Region=cn-wlcb)
expect_match "retcode_153 on the listed action" "$(field RetCode "$r") $(field Message "$r")" "^153 Request throttled"
expect_eq "other actions untouched" "$(field RetCode "$(api Action=DescribeCompShareInstance Limit=1)")" 0
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary '{"hang": 2}' "$URL/_sim/faults")
expect_eq "invalid fault settings: HTTP 400" "$code" 400
setf '{"retcode_153": 0, "retcode_150": 1, "actions": ""}' >/dev/null
r=$(api Action=RebootCompShareInstance Region=cn-wlcb Zone=cn-wlcb-03 "UHostId=$I5")
curl -s -X POST "$URL/_sim/faults/reset" >/dev/null
expect_eq "retcode_150: nothing executed" "$(field RetCode "$r")/$(state_of "$I5")" 150/Running
setf '{"http_5xx": 1, "actions": ["StopCompShareInstance"]}' >/dev/null
code=$(api_status "$WORK/5xx" Action=StopCompShareInstance Region=cn-wlcb Zone=cn-wlcb-03 "UHostId=$I5")
expect_match "http_5xx: HTTP 5xx" "$code" '^50[023]$'
expect_match "http_5xx: the stop was carried out" "$(state_of "$I5")" '^(Stopping|Stopped)$'
setf '{"http_5xx": 0, "malformed": 1, "actions": []}' >/dev/null
r=$(api Action=DescribeCompShareInstance Limit=3)
opens=$(count '{' "$r") closes=$(count '}' "$r")
if [ "$opens" -ne "$closes" ]; then pass "malformed: truncated JSON"; else fail "malformed: body is balanced: $r"; fi
setf '{"malformed": 0, "string_numbers": true}' >/dev/null
r=$(api Action=DescribeCompShareInstance Limit=1)
expect_match "string_numbers" "$r" '"RetCode":"0".*"CreateTime":"[0-9]+".*"TotalCount":"[0-9]+"'
setf '{"string_numbers": false, "latency_ms": 400}' >/dev/null
expect_match "GET /_sim/faults shows the latency" "$(curl -s "$URL/_sim/faults")" '"latency_ms":400'
expect_eq "latency_ms: the request still succeeds" "$(field RetCode "$(api Action=DescribeCompShareInstance Limit=1)")" 0
setf '{"latency_ms": 0, "hang": 1, "actions": "DescribeCompShareImages"}' >/dev/null
curl -s -X POST "$URL/_sim/stats/reset" >/dev/null
hung=()
for i in $(seq 1 12); do api Action=DescribeCompShareImages Region=cn-wlcb >/dev/null & hung+=($!); done
sleep 0.3
r=$(api Action=DescribeCompShareInstance Limit=1)
expect_eq "12 hung requests do not block the 8 pool threads" "$(field RetCode "$r")" 0
curl -s --max-time 1 -o /dev/null --data-urlencode Action=DescribeCompShareImages \
  --data-urlencode PublicKey=$PUB --data-urlencode "Signature=$(sign Action=DescribeCompShareImages PublicKey=$PUB)" "$URL"
expect_eq "hang: no answer (curl times out)" "$?" 28
expect_match "GET /_sim/faults shows the settings" "$(curl -s "$URL/_sim/faults")" '"hang":1.*"actions":\["DescribeCompShareImages"\]'
s=$(curl -s "$URL/_sim/stats")
expect_eq "hung requests are counted" "$(field DescribeCompShareImages "$s")" 13

# ---------------------------------------------------------------- stop, keys, determinism
kill -TERM "$SIM_PID"
for i in $(seq 1 100); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SIM_PID"
expect_eq "SIGTERM with hung requests: clean exit" "$?" 0
wait "${hung[@]}" 2>/dev/null

COMPSHARE_SIM_PRIVATE_KEY=env-private start_sim b --public-key other-public --instances 250 --seed 7 || exit 1
r=$(PUB=other-public PRIV=env-private api Action=DescribeCompShareInstance Limit=10)
expect_eq "keys from --public-key and COMPSHARE_SIM_PRIVATE_KEY" "$(field RetCode "$r")" 0
expect_eq "same seed, same fleet" "$(ids_of "$r" | head -3 | tr '\n' ' ')" "$(printf '%s ' "${first[@]:0:3}")"
expect_eq "default keys refused now" "$(field RetCode "$(api Action=DescribeCompShareInstance)")" 172

start_sim c --private-key argv-secret-$$ --instances 1 || exit 1
expect_eq "--private-key works" "$(field RetCode "$(PRIV=argv-secret-$$ api Action=DescribeCompShareInstance)")" 0
cmdline=$(tr '\0' ' ' </proc/"$SIM_PID"/cmdline 2>/dev/null)
if [[ "$cmdline" != *--instances* ]]; then
  fail "cannot read the sim's command line: [$cmdline]"
elif [[ "$cmdline" == *argv-secret* ]]; then
  fail "the private key is still visible in the sim's command line"
else
  pass "the private key is blanked in the sim's command line"
fi

check_summary
