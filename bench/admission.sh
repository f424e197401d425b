#!/usr/bin/env bash
# Admission benchmark (issue 4): paved's validating webhook against
# `opa run --server` serving the same Rego, same machine, one run.
#
# Both servers listen on loopback with TLS and the same certificate (from
# `paved admission certs`) and get byte-identical request bodies: a 3.4 KB
# Deployment AdmissionReview from bench/genreview. paved serves
# POST /admission/validate with its whole built-in pack under the rollout
# below (pod-security-restricted enforces, everything else warns, images
# from ghcr.io/example-shop/); OPA serves the same pack plus
# bench/opa-admission/admission.rego, which turns every Kubernetes policy's
# deny results into an AdmissionReview response with the same rollout,
# through its v0 data API (POST /v0/data/admission/review takes the raw
# AdmissionReview as input). OPA logs at error level so that neither
# server logs a line per request.
#
#  (a) open loop: vegeta at RATE reviews/s for DURATION against paved (and
#      OPA, for reference): success ratio, p50/p99/max latency.
#  (b) closed loop: hey with 50 and 500 concurrent connections for CLOSED
#      each, paved and OPA alternating, ROUNDS rounds: medians of
#      reviews/s and p50/p99, the server's CPU per review, and the ratio.
#
# All clients speak HTTP/1.1 with keep-alive (OPA's TLS listener offers no
# HTTP/2), one connection per concurrent request. The load generator
# shares the machine's cores with the server under test; that is the same
# for both. Nothing is pinned. Every run prints the CPU the server, the
# load generator and everything else on the machine used: on a shared
# machine, rerun when "others" is well above zero.
#
#   bench/admission.sh                      # DURATION=30s CLOSED=20s ROUNDS=3
#   DURATION=10s CLOSED=10s ROUNDS=1 bench/admission.sh
#   REVIEW=denied bench/admission.sh        # the review with violations
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30s}
RATE=${RATE:-2000}
CLOSED=${CLOSED:-20s}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-50 500}
WARMUP=${WARMUP:-3s}
REVIEW=${REVIEW:-allowed}
PAVED_PORT=${PAVED_PORT:-18443}
OPA_PORT=${OPA_PORT:-18181}
OPA_VERSION=${OPA_VERSION:-v1.22.3}
VEGETA_VERSION=${VEGETA_VERSION:-v12.13.0}
HEY_VERSION=${HEY_VERSION:-latest}

# The open loop opens a connection per request in flight: allow many.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work=$(mktemp -d)
pids=()
cleanup() {
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  for p in ${pids[@]+"${pids[@]}"}; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3-)"
go build -o "$work/paved" ./cmd/paved
bin=$work/bin
GOBIN=$bin go install "github.com/open-policy-agent/opa@$OPA_VERSION"
GOBIN=$bin go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
closed_tool=hey
if ! GOBIN=$bin go install "github.com/rakyll/hey@$HEY_VERSION" 2>"$work/hey.err"; then
  # vegeta's closed-loop mode: -rate=0 sends as fast as N workers can.
  closed_tool=vegeta
  echo "hey could not be installed ($(tail -n 1 "$work/hey.err")): the closed loop uses vegeta -rate=0 -max-workers=N"
fi
modver() { go version -m "$1" | awk '$1 == "mod" {print $3; exit}'; }
echo "peers: opa $(modver "$bin/opa"), vegeta $(modver "$bin/vegeta"), $closed_tool $(modver "$bin/$closed_tool") (all built with go install by this script)"

go run ./bench/genreview -out "$work/review-allowed.json" -deny-out "$work/review-denied.json"
review=$work/review-$REVIEW.json
[ -f "$review" ] || { echo "REVIEW must be allowed or denied"; exit 2; }
echo "review: Deployment AdmissionReview, $(wc -c <"$review") bytes ($REVIEW)"

"$work/paved" admission certs --out "$work/certs" --hosts 127.0.0.1 >/dev/null
ca=$work/certs/ca.crt
cat >"$work/paved.yaml" <<'EOF'
policy_settings:
  default_mode: warn
  allowed_registries: ["ghcr.io/example-shop/"]
policies:
  pod-security-restricted:
    mode: enforce
EOF

"$work/paved" serve --config "$work/paved.yaml" --data-dir "$work/data" --addr "127.0.0.1:$PAVED_PORT" \
  --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" >"$work/paved.log" 2>&1 &
paved_pid=$!
pids+=("$paved_pid")
mapfile -t rego < <(find internal/policy/builtin -name '*.rego' ! -name '*_test.rego' | sort)
"$bin/opa" run --server --addr "127.0.0.1:$OPA_PORT" --log-level error \
  --tls-cert-file "$work/certs/tls.crt" --tls-private-key-file "$work/certs/tls.key" \
  bench/opa-admission/admission.rego bench/opa-admission/data.json "${rego[@]}" >"$work/opa.log" 2>&1 &
opa_pid=$!
pids+=("$opa_pid")

paved_url=https://127.0.0.1:$PAVED_PORT/admission/validate
opa_url=https://127.0.0.1:$OPA_PORT/v0/data/admission/review
ready() {
  for _ in $(seq 300); do
    curl -sf --cacert "$ca" -o /dev/null "$2" && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.1
  done
  echo "$1 did not become ready:"; cat "$work/$1.log"; exit 1
}
ready paved "https://127.0.0.1:$PAVED_PORT/readyz" "$paved_pid"
ready opa "https://127.0.0.1:$OPA_PORT/health" "$opa_pid"

# Both must reach the same decision on the review before anything is timed.
decide() { curl -sf --cacert "$ca" -H 'Content-Type: application/json' --data-binary @"$review" "$1" | jq -c '.response | {allowed, warnings: (.warnings // [] | length)}'; }
pd=$(decide "$paved_url")
od=$(decide "$opa_url")
echo "decision: paved $pd, opa $od"
[ "$(jq .allowed <<<"$pd")" = "$(jq .allowed <<<"$od")" ] || { echo "paved and OPA disagree on the review"; exit 1; }
echo

tck=$(getconf CLK_TCK)
pidof_server() { if [ "$1" = paved ]; then echo "$paved_pid"; else echo "$opa_pid"; fi; }
url_of() { if [ "$1" = paved ]; then echo "$paved_url"; else echo "$opa_url"; fi; }

# CPU accounting of one run, in clock ticks: the server's (from /proc),
# the load generator's (GNU time) and the machine's (/proc/stat); what is
# left over is other work on the machine (a shared host's neighbours),
# printed as cores so that a noisy run shows.
cputicks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
busyticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_start() { cpu_t0=$(date +%s.%N); cpu_s0=$(cputicks "$1"); cpu_b0=$(busyticks); }
# cpu_end PID REVIEWS: sets cpu_server (ms per review), cpu_client and
# cpu_others (cores, averaged over the run).
cpu_end() {
  local s b t
  s=$(( $(cputicks "$1") - cpu_s0 )); b=$(( $(busyticks) - cpu_b0 )); t=$(date +%s.%N)
  read -r cpu_server cpu_client cpu_others < <(awk -v s="$s" -v b="$b" -v k="$tck" -v n="$2" -v t0="$cpu_t0" -v t1="$t" \
    '{ c = ($1 + $2) * k; w = t1 - t0
       printf "%.2f %.2f %.2f\n", (n > 0 ? s * 1000 / k / n : 0), c / k / w, ((b - s - c) > 0 ? (b - s - c) / k / w : 0) }' "$work/client.time")
}

# drain: wait until paved's decision writer has caught up, so that one
# run's background writes do not land in the next run (at most 60 s).
drain() {
  for _ in $(seq 600); do
    q=$(curl -sf --cacert "$ca" "https://127.0.0.1:$PAVED_PORT/metrics" | awk '$1 == "paved_admission_decision_queue_length" {print $2}')
    [ "${q:-0}" = 0 ] && return 0
    sleep 0.1
  done
}

targets() { printf 'POST %s\nContent-Type: application/json\n@%s\n' "$1" "$review" >"$work/targets"; }

# open_loop NAME: vegeta at RATE/s for DURATION.
open_loop() {
  local name=$1 pid n
  pid=$(pidof_server "$name")
  targets "$(url_of "$name")"
  drain
  cpu_start "$pid"
  /usr/bin/time -f '%U %S' -o "$work/client.time" "$bin/vegeta" attack -targets "$work/targets" -rate "$RATE" \
    -duration "$DURATION" -http2=false -root-certs "$ca" -timeout 10s >"$work/open-$name.bin"
  "$bin/vegeta" report -type json "$work/open-$name.bin" >"$work/open-$name.json"
  n=$(jq .requests "$work/open-$name.json")
  cpu_end "$pid" "$n"
  jq -r --arg name "$name" '
    "  \($name | .+"     " | .[:6]) \(.requests) reviews sent at \(.rate | round)/s, \(.throughput | round)/s answered: " +
    "success \(.success * 100 | . * 100 | round / 100)%, errors \(.requests - (.status_codes["200"] // 0)), " +
    "p50 \(.latencies["50th"] / 1e6 | . * 100 | round / 100) ms, p99 \(.latencies["99th"] / 1e6 | . * 100 | round / 100) ms, " +
    "max \(.latencies.max / 1e6 | . * 10 | round / 10) ms"' "$work/open-$name.json"
  printf '         server CPU %s ms per review sent, vegeta %s cores, others %s cores\n' "$cpu_server" "$cpu_client" "$cpu_others"
  if [ "$name" = paved ]; then
    jq -r '"         goal (zero errors, p99 < 10 ms): " + (if .requests == (.status_codes["200"] // 0) and .latencies["99th"] < 1e7 then "met" else "not met" end)' "$work/open-$name.json"
  fi
  jq -r '(.errors // [])[:3][] | "         error: \(.)"' "$work/open-$name.json"
}

# closed_run NAME C SECS: C connections, each sending the next review as
# soon as the last is answered, for SECS. Prints "rps p50_ms p99_ms errors
# requests".
closed_run() {
  local name=$1 c=$2 secs=$3 url out
  url=$(url_of "$name")
  if [ "$closed_tool" = hey ]; then
    out=$(/usr/bin/time -f '%U %S' -o "$work/client.time" "$bin/hey" -z "$secs" -c "$c" -m POST -T application/json -D "$review" "$url")
    awk '
      /Requests\/sec:/ {rps = $2}
      /^ *50%+ in/ {p50 = $3 * 1000}
      /^ *99%+ in/ {p99 = $3 * 1000}
      /^Status code distribution:/ {codes = 1; errs = 0; next}
      /^Error distribution:/ {codes = 0; errs = 1; next}
      codes && /\[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); n += $2; if ($1 != "200") bad += $2}
      errs && /\[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); n += $1; bad += $1}
      END {printf "%.1f %.2f %.2f %d %d\n", rps, p50, p99, bad, n}' <<<"$out"
  else
    targets "$url"
    /usr/bin/time -f '%U %S' -o "$work/client.time" "$bin/vegeta" attack -targets "$work/targets" -rate 0 \
      -max-workers "$c" -workers "$c" -duration "$secs" -http2=false -root-certs "$ca" -timeout 20s >"$work/closed.bin"
    "$bin/vegeta" report -type json "$work/closed.bin" |
      jq -r '"\(.throughput) \(.latencies["50th"] / 1e6) \(.latencies["99th"] / 1e6) \(.requests - (.status_codes["200"] // 0)) \(.requests)"'
  fi
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

echo "(a) open loop: $RATE reviews/s for $DURATION over TLS (vegeta, HTTP/1.1, 10 s timeout)"
for name in paved opa; do open_loop "$name"; done
echo

echo "(b) closed loop: $CLOSED per run, $ROUNDS round(s), $closed_tool, HTTP/1.1 keep-alive"
for name in paved opa; do closed_run "$name" 50 "$WARMUP" >/dev/null; done
declare -A res
for round in $(seq "$ROUNDS"); do
  order="paved opa"
  [ $((round % 2)) -eq 0 ] && order="opa paved"
  for c in $CONCURRENCY; do
    for name in $order; do
      drain
      pid=$(pidof_server "$name")
      cpu_start "$pid"
      read -r rps p50 p99 bad n < <(closed_run "$name" "$c" "$CLOSED")
      cpu_end "$pid" "$n"
      printf '  round %d  %-5s c=%-4s %6.0f reviews/s  p50 %8.2f ms  p99 %8.2f ms  errors %d   server CPU %s ms/review, %s %s cores, others %s cores\n' \
        "$round" "$name" "$c" "$rps" "$p50" "$p99" "$bad" "$cpu_server" "$closed_tool" "$cpu_client" "$cpu_others"
      res[$name,$c]+="$rps $p50 $p99 $bad $cpu_server $cpu_others"$'\n'
    done
  done
done
echo
echo "medians of $ROUNDS round(s):"
printf '  %-6s %-28s %-28s %s\n' conns "OPA reviews/s  p50  p99" "paved reviews/s  p50  p99" "paved/OPA throughput"
for c in $CONCURRENCY; do
  col() { printf '%s' "${res[$1,$c]}" | awk -v f="$2" 'NF {print $f}' | median; }
  o_rps=$(col opa 1); p_rps=$(col paved 1)
  printf '  %-6s %6.0f/s %8.2f %9.2f ms   %6.0f/s %8.2f %9.2f ms   %s  (errors: opa %s, paved %s; server CPU ms/review: opa %s, paved %s; others: %s, %s cores)\n' \
    "$c" "$o_rps" "$(col opa 2)" "$(col opa 3)" "$p_rps" "$(col paved 2)" "$(col paved 3)" "$(ratio "$p_rps" "$o_rps")" \
    "$(col opa 4)" "$(col paved 4)" "$(col opa 5)" "$(col paved 5)" "$(col opa 6)" "$(col paved 6)"
  goal="goal paved >= 2x OPA: $(awk -v a="$p_rps" -v b="$o_rps" 'BEGIN { print (b > 0 && a >= 2 * b) ? "met" : "not met" }')"
  if [ "$c" = 500 ]; then
    goal+=", p99 < 1 s: $(awk -v p="$(col paved 3)" 'BEGIN { print (p < 1000) ? "met" : "not met" }')"
  fi
  echo "         $goal"
done
echo

# Where paved's time goes: the webhook's own histogram (from the request
# body to the response) against what the clients saw, and the decision
# writer's counters.
drain
curl -sf --cacert "$ca" "https://127.0.0.1:$PAVED_PORT/metrics" >"$work/metrics"
echo "paved /metrics after the runs:"
awk '
  /^paved_admission_request_duration_seconds_sum/ {sum += $2}
  /^paved_admission_request_duration_seconds_count/ {n += $2}
  /^paved_admission_request_duration_seconds_bucket/ {match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5); b[le] += $2}
  /^paved_admission_decisions_(recorded|spooled|dropped)_total/ {printf "  %s %d\n", $1, $2}
  END {
    printf "  webhook handler: %d reviews, mean %.2f ms\n", n, sum / n * 1000
    split("0.001 0.0025 0.005 0.01 0.025 0.1 1", les, " ")
    line = "  handler time at most:"
    for (i = 1; i <= 7; i++) line = line sprintf(" %gms %.1f%%", les[i] * 1000, b[les[i]] / n * 100)
    print line
  }' "$work/metrics"
echo

echo "in process, no network (go test -bench, one core):"
go test -run '^$' -bench 'BenchmarkValidate' -benchtime 2s -count 3 -cpu 1 ./internal/admission/ | grep -E '^Benchmark'
