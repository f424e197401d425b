#!/usr/bin/env bash
# Foundation benchmarks (issue 2): how fast `paved serve --demo` is ready,
# how long `paved catalog import` of a 5,000-service Backstage catalog takes
# on SQLite, and ownership resolution per Kubernetes object. Prints medians
# of RUNS runs; paste the output into bench/RESULTS.md with the machine.
#
#   bench/foundation.sh            # RUNS=7 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/paved" ./cmd/paved
go run ./bench/gencatalog -n 5000 > "$work/catalog-info.yaml"

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m}'; }
now_ms() { date +%s%3N; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3)"
echo

# 1. serve --demo: from exec to /readyz answering 200.
times=()
for i in $(seq "$RUNS"); do
  port=$((20000 + RANDOM % 20000))
  t0=$(now_ms)
  "$work/paved" serve --demo --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.005; done
  times+=($(( $(now_ms) - t0 )))
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "serve --demo ready:            median $(printf '%s\n' "${times[@]}" | median) ms over $RUNS runs (${times[*]})"

# 2. catalog import of 5,000 services into a fresh SQLite store, and the
#    idempotent re-import.
first=(); again=()
for i in $(seq "$RUNS"); do
  rm -rf "$work/data"
  t0=$(now_ms); "$work/paved" catalog import --data-dir "$work/data" "$work/catalog-info.yaml" >/dev/null; t1=$(now_ms)
  "$work/paved" catalog import --data-dir "$work/data" "$work/catalog-info.yaml" >/dev/null; t2=$(now_ms)
  first+=($((t1 - t0))); again+=($((t2 - t1)))
done
echo "catalog import 5,000 services: median $(printf '%s\n' "${first[@]}" | median) ms (${first[*]})"
echo "re-import (no changes):        median $(printf '%s\n' "${again[@]}" | median) ms (${again[*]})"

# 3. In-process figures from go test -bench.
echo
go test -run '^$' -bench 'ResolveObject|ImportBackstage5000' -benchtime 1s -count 5 ./internal/catalog/ \
  | grep -E '^Benchmark' | awk '{name=$1; sub(/-[0-9]+$/, "", name); v[name]=v[name] " " $3} END {for (n in v) print n ":" v[n] " ns/op"}' | sort
