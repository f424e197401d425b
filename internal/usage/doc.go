// Package usage measures how the platform itself is used: feature usage
// events from the IDP, the CLI and paved's own UI (feature, action, team,
// hashed actor), rolled up per day and per week, and the summary the
// Usage page and GET /api/v1/usage/summary show — weekly active teams and
// users per feature, each feature's adoption across the catalog's teams,
// and the known features nobody uses.
//
// Actors are hashed with HMAC-SHA256 under a key generated per install
// and kept in the database, so raw identities are never stored, yet one
// person counts once however often they come back. paved's own events
// go through a bounded queue that drops (and counts) rather than slow a
// page down.
package usage
