#!/usr/bin/env bash
# Developer-experience benchmarks (issue 6): signed GitHub webhook ingest
# into SQLite, DORA over a year of a large organisation (100 teams, 1,000
# services, ~485,000 production deployments, ~3.15 million changes), the
# Delivery and team pages on that year, survey results and feature usage.
#
# No peer runs here: Google's Four Keys is SQL over BigQuery on Google
# Cloud, and Apache DevLake is a MySQL-backed server with Grafana
# dashboards; neither has a form that runs offline on this machine, so
# the figures are paved's against the issue's goals.
#
# The DORA year is seeded once (a few minutes) and cached under the
# temporary directory, keyed by the delivery schema.
#
#   bench/dx.sh                # RUNS=3, DELIVERIES=20000
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DELIVERIES=${DELIVERIES:-20000}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3)"
echo
bench() { go test -run '^$' -timeout 60m "$@" | grep -E '^(Benchmark|ok|FAIL)' ; }

echo "== GitHub webhook ingest (signed, real socket, SQLite; goal >= 2,000 deliveries/s)"
bench -bench 'BenchmarkGitHubWebhook/sqlite' -benchtime "${DELIVERIES}x" -count "$RUNS" ./internal/delivery/
echo
echo "== DORA for a year of 100 teams / 1,000 services (goal: breakdown < 2 s, a team < 100 ms)"
bench -bench 'BenchmarkBreakdownYear|BenchmarkTeamReportYear|BenchmarkServiceReportYear' -benchtime 5x -count "$RUNS" ./internal/delivery/dora/
echo
echo "== Delivery and team pages on that year (goal < 100 ms)"
bench -bench 'BenchmarkDeliveryPages' -benchtime 20x -count "$RUNS" ./internal/web/
echo
echo "== Survey results and feature usage"
bench -bench 'BenchmarkTeamSummary|BenchmarkCompute' -count "$RUNS" ./internal/survey/
bench -bench 'BenchmarkIngestBatch|BenchmarkSummaryYear' -benchtime 20x -count "$RUNS" ./internal/usage/
