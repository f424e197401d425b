// Package policy evaluates guardrails written in Rego (OPA v1) against
// Kubernetes manifests, Terraform plans and modules, and Dockerfiles, and
// decides what each violation means today: deny, warn, excepted or pass.
//
// # Policies
//
// A policy is one Rego module with an OPA METADATA block on its package:
//
//	# METADATA
//	# title: Containers must not run as root
//	# description: A container running as UID 0 ...
//	# custom:
//	#   id: run-as-non-root
//	#   severity: high                  # critical, high, medium or low
//	#   inputs: [kubernetes]            # kubernetes, terraform, dockerfile
//	#   sets: [pod-security-restricted] # optional: sets --select and config can name
//	#   remediation: Set securityContext.runAsNonRoot to true ...
//	package paved.kubernetes.run_as_non_root
//
// Rules follow the conftest convention: `deny`, `warn` and `violation` are
// sets of messages, or of objects with a `msg` field and optionally
// `resource` (naming a resource by address inside a multi-resource input, so
// the result points at that resource's file and line) or `line` (a line in
// the document's file, such as a Dockerfile instruction's). A module without
// paved metadata in package main (conftest's default) runs unchanged as a
// custom policy: its id is its package path.
//
// # Inputs
//
// Adapters turn files into Documents, one per resource, each knowing its
// file and line. What a rule sees as `input`:
//
//   - kubernetes: the object exactly as written (apiVersion, kind, metadata,
//     spec...). Pod-level policies use data.paved.lib.kubernetes.pods to
//     reach the pod spec of Pods and of every controller that templates one
//     (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
//     ReplicationController), so one rule covers them all.
//   - terraform: one resource, from a plan (`terraform show -json`) or from
//     .tf files: {address, module, type, name, index, provider, mode,
//     source: "plan"|"hcl", actions, values, unknown, references, tags}
//     (package input documents every field). values holds the known attribute values
//     (after for a plan); unknown mirrors values' shape with true where a
//     value is unknown until apply (after_unknown, or an HCL expression that
//     cannot be resolved statically) — an unknown value is never a
//     violation. tags holds the effective tags or labels (tags_all with
//     provider default_tags, tags, labels, terraform_labels). A second
//     document kind, terraform-module, carries every resource of one plan or
//     module as {resources: [...]} for policies that relate resources (a
//     bucket and its public access block).
//   - dockerfile: conftest's shape: a list of instructions
//     {Cmd, SubCmd, JSON, Flags, Value, Stage, Original, Line}, Cmd
//     lower-cased, Stage the 0-based stage index, so conftest Dockerfile
//     policies run unchanged.
//
// # Data
//
// data.paved.config holds what policies read from paved.yaml:
// allowed_registries (list of registry prefixes), ownership (team_keys,
// service_keys, environment_keys and aliases.team/service/environment, as
// in paved.yaml), and data.paved.catalog holds {available: bool, teams:
// {name: true}} so the team-exists check can say when it was skipped.
package policy
