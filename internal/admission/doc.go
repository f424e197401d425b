// Package admission puts the policy engine into the Kubernetes admission
// chain: it answers AdmissionReview (admission.k8s.io/v1) requests on
// /admission/validate and /admission/mutate with the same policies,
// rollout, exceptions and ownership as `paved check`, so CI and the
// cluster give the same answer for the same object.
//
// A request is judged from memory only: the engine, the catalog index and
// the exceptions are in memory and refreshed in the background. Decisions
// go to a bounded queue that a single writer drains into the store in
// batches; when the database is slow or down they are spooled to disk and
// replayed later (recorder.go). Admission never waits on the database.
package admission
