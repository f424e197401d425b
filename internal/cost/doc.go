// Package cost is paved's FinOps: it imports FOCUS billing exports,
// allocates every charge to a team, service and environment (by tags, by
// the catalog's cloud accounts, by allocation rules, or as a share of a
// shared cost) or shows it as unallocated, and keeps daily rollups per
// currency that every report reads.
//
// An import is one transaction and idempotent: re-importing a billing
// period of a provider's billing account replaces what the previous
// import of it wrote, so totals never double.
package cost
