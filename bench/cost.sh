#!/usr/bin/env bash
# FinOps benchmark (issue 5): paved cost import of a generated
# 1,000,000-row FOCUS CSV (allocation and SQLite rollups included) against
# DuckDB loading the same file into a table and grouping by the team tag,
# same machine, one run. DuckDB (@duckdb/node-api) is installed by the
# script into a temporary directory with npm. Reports the median wall time
# and peak RSS of RUNS runs each, and the ratio.
#
#   bench/cost.sh              # RUNS=3, ROWS=1000000
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3), node $(node --version)"
go build -o "$work/paved" ./cmd/paved
go run ./bench/genfocus -rows "$ROWS" -out "$work/focus.csv" -catalog "$work/catalog.yaml"
echo "file: $ROWS rows, $(du -h "$work/focus.csv" | cut -f1), $(head -1 "$work/focus.csv" | tr ',' '\n' | wc -l) columns"
cp bench/duckdb/load.mjs bench/duckdb/package.json "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund @duckdb/node-api >/dev/null)
echo "duckdb: $(cd "$work" && node -e "import('@duckdb/node-api').then(m => m.DuckDBInstance.create(':memory:')).then(d => d.connect()).then(c => c.runAndReadAll('select version()')).then(r => console.log(r.getRows()[0][0]))")"
echo

# measure NAME CMD...: median seconds and peak RSS (MiB) over RUNS runs.
measure() {
  local name=$1; shift
  local secs=() rss=()
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { echo "$name failed:"; cat "$work/err"; exit 1; }
    read -r s k < <(tail -n 1 "$work/time")
    secs+=("$s"); rss+=($((k / 1024)))
  done
  local ms mr
  ms=$(printf '%s\n' "${secs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-52s %6.2f s  %5d MiB   (runs: %s)\n' "$name" "$ms" "$mr" "${secs[*]}"
  eval "last_secs=$ms"
}

measure "duckdb: CREATE TABLE AS read_csv + GROUP BY team" node "$work/load.mjs" "$work/focus.csv"
duck=$last_secs
cat "$work/out"
# Each paved run imports into a fresh SQLite store holding the catalog of
# the generated teams and services (set up before, not timed), so that
# allocation does the work it does for a real organisation.
measure_paved() {
  local secs=() rss=()
  for i in $(seq "$RUNS"); do
    rm -rf "$work/data"
    "$work/paved" --data-dir "$work/data" catalog import "$work/catalog.yaml" >/dev/null
    /usr/bin/time -f '%e %M' -o "$work/time" "$work/paved" --data-dir "$work/data" cost import "$work/focus.csv" >"$work/out" 2>"$work/err" || { echo "paved failed:"; cat "$work/err"; exit 1; }
    read -r s k < <(tail -n 1 "$work/time")
    secs+=("$s"); rss+=($((k / 1024)))
  done
  last_secs=$(printf '%s\n' "${secs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  local mr
  mr=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-52s %6.2f s  %5d MiB   (runs: %s)\n' "paved: cost import (allocate + SQLite rollups)" "$last_secs" "$mr" "${secs[*]}"
}
measure_paved
awk -v a="$duck" -v b="$last_secs" 'BEGIN { printf "  -> paved/duckdb time ratio %.2f (below 1: paved faster)\n", b / a }'
tail -n 4 "$work/out"
