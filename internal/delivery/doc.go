// Package delivery owns how changes reach production: deployments, changes
// (merged pull and merge requests, commits pushed straight to the default
// branch) and incidents, as they arrive from GitHub and GitLab webhooks,
// CDEvents, the JSON API and the CLI, and the five DORA metrics computed
// from them per service, per team and for the organisation.
//
// Ingest does the linking as each event arrives, so that DORA only
// aggregates:
//
//   - A change belongs to the first successful production deployment of its
//     repository whose commit landed on the default branch at or after the
//     change's commit. That handles squash merges (the squash commit is the
//     change's commit), merge commits, and deployments that ship several
//     merges at once. Events arrive out of order, so linking runs again
//     when a late push or merge makes a link possible.
//   - A production deployment counts as failed when it failed, was rolled
//     back (a later rollback deployment of the service), was fixed (a later
//     deployment names it in fixes) or is linked to an incident. Its
//     recovery is the rollback or fix deployment, the linked incident's
//     resolution, or else the service's next successful production
//     deployment.
//   - An incident links to the deployment it names (by id or commit), else
//     to the service's last production deployment within
//     delivery.incident_window before it opened (24 h by default). How the
//     link was made is stored and shown.
//
// Only environments marked production count, per service where
// paved.yaml says so.
package delivery
