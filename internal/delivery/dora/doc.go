// Package dora computes the five DORA software delivery metrics from the
// deployments, changes and incidents that package delivery stores, per
// service, per team and for the organisation, over a window [from, to) of
// whole UTC days, with a series of ISO weeks (Monday to Sunday, UTC).
//
// Ingest links everything as events arrive (see package delivery), so this
// package only aggregates:
//
//   - Deployment frequency: successful production deployments, reported
//     per week and per day over the window, banded by how regularly they
//     happen (see FrequencyBand).
//   - Change lead time: the median, p75 and p90 of first commit → first
//     successful production deployment, over the changes deployed in the
//     window. A change's commit time later than its deployment (clock
//     skew) counts as zero.
//   - Change failure rate: production deployments in the window that count
//     as failed (failed, rolled back, fixed, or linked to an incident) over
//     all production deployments in the window, successful or not.
//   - Failed deployment recovery time: the median, p75 and p90 of
//     recovered_at − deployed_at over the failed production deployments in
//     the window that have recovered; those not yet recovered are counted
//     and shown, never guessed.
//   - Deployment rework rate: unplanned production deployments (rollbacks
//     and fixes) over all production deployments in the window.
//
// A deployment or change belongs to the window, and to a week, by its
// deployed_at. Non-production deployments never count. Where a metric has
// nothing to measure its value is absent and its band is "no data": never
// zero, never NaN.
//
// Percentiles interpolate linearly between the closest ranks (as
// PERCENTILE_CONT does), so the median of an even count is the mean of the
// two middle values.
//
// Bands follow the performance clusters of the DORA 2024 Accelerate State
// of DevOps report; bands.go says how each metric's thresholds were drawn
// from them.
//
// Compute and ComputeBreakdown read the store; FromEvents runs the same
// computation on in-memory slices. Service adds name checks against the
// catalog and the JSON API.
package dora
