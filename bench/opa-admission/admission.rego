# The OPA side of bench/admission.sh: paved's built-in Rego pack
# (internal/policy/builtin, loaded next to this file, without the tests)
# served by `opa run --server` as a plain admission policy. OPA's v0 data
# API takes the raw AdmissionReview as input,
#
#	POST /v0/data/admission/review  <AdmissionReview admission.k8s.io/v1>
#
# and answers with the value of review: an AdmissionReview response, so
# both servers get byte-identical request bodies and answer in kind.
#
# The rollout is bench/admission.sh's paved.yaml: the policies of the set
# pod-security-restricted (every pss_* package, baseline and restricted)
# deny, every other policy warns. data.json gives the policies the
# data.paved they read (paved.yaml's settings as policies see them, no
# catalog). Messages are "[policy-id] message", as paved prints them; the
# denial has no remediation text (that is paved's metadata, not Rego).
#
# Every Kubernetes policy's deny rules are listed explicitly, under a single
# `with input as input.request.object`, rather than iterating
# data.paved.kubernetes[_][rule]: explicit refs let OPA resolve each rule
# directly, while the iteration walks the package tree and every rule of
# every package on each request: opa bench (v1.22.3, one core) measured
# 0.86 ms and 1,523 allocations per compliant review for the explicit form
# against 1.65 ms and 2,689 for the iteration. The single `with` around the
# whole collection matters too: a `with` per policy would drop the
# virtual-document cache (the pod, the container list) between policies.
# (The built-in Kubernetes policies only have deny rules; a pack with
# violation or warn rules would list those the same way.)
package admission

# review is the AdmissionReview the API server expects back.
review := {
	"apiVersion": "admission.k8s.io/v1",
	"kind": "AdmissionReview",
	"response": response,
}

response := {"uid": input.request.uid, "allowed": true, "warnings": warnings} if {
	count(denials) == 0
}

response := {
	"uid": input.request.uid,
	"allowed": false,
	"status": {"status": "Failure", "code": 403, "reason": "Forbidden", "message": message},
	"warnings": warnings,
} if {
	count(denials) > 0
}

# findings holds [policy id, rule, message] for every result of every
# Kubernetes policy on the object under review.
findings := fs if {
	fs := _findings with input as input.request.object
}

# The set pod-security-restricted: enforced.
enforced(id) if startswith(id, "pss-")

denials := sort([sprintf("[%s] %s", [id, msg]) |
	some [id, rule, msg] in findings
	rule != "warn"
	enforced(id)
])

warnings := sort([sprintf("[%s] %s", [id, msg]) |
	some [id, rule, msg] in findings
	not _denies(id, rule)
])

_denies(id, rule) if {
	rule != "warn"
	enforced(id)
}

message := sprintf("denied %s/%s/%s: %d policy violations.\n%s", [
	input.request.kind.kind,
	input.request.namespace,
	input.request.name,
	count(denials),
	concat("\n", denials),
])

# A result is a message or an object with msg (the conftest convention).
_msg(r) := r.msg if is_object(r)

else := r

_findings contains ["allowed-registries", "deny", _msg(r)] if some r in data.paved.kubernetes.allowed_registries.deny

_findings contains ["image-tag-pinned", "deny", _msg(r)] if some r in data.paved.kubernetes.image_tag_pinned.deny

_findings contains ["no-default-namespace", "deny", _msg(r)] if some r in data.paved.kubernetes.no_default_namespace.deny

_findings contains ["no-privileged", "deny", _msg(r)] if some r in data.paved.kubernetes.no_privileged.deny

_findings contains ["ownership-labels", "deny", _msg(r)] if some r in data.paved.kubernetes.ownership_labels.deny

_findings contains ["probes-configured", "deny", _msg(r)] if some r in data.paved.kubernetes.probes_configured.deny

_findings contains ["pss-baseline-apparmor", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_apparmor.deny

_findings contains ["pss-baseline-capabilities", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_capabilities.deny

_findings contains ["pss-baseline-host-namespaces", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_host_namespaces.deny

_findings contains ["pss-baseline-host-path-volumes", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_host_path_volumes.deny

_findings contains ["pss-baseline-host-ports", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_host_ports.deny

_findings contains ["pss-baseline-host-process", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_host_process.deny

_findings contains ["pss-baseline-privileged", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_privileged.deny

_findings contains ["pss-baseline-probe-host", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_probe_host.deny

_findings contains ["pss-baseline-proc-mount", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_proc_mount.deny

_findings contains ["pss-baseline-seccomp", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_seccomp.deny

_findings contains ["pss-baseline-selinux", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_selinux.deny

_findings contains ["pss-baseline-sysctls", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_baseline_sysctls.deny

_findings contains ["pss-restricted-capabilities", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_restricted_capabilities.deny

_findings contains ["pss-restricted-privilege-escalation", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_restricted_privilege_escalation.deny

_findings contains ["pss-restricted-proc-mount", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_restricted_proc_mount.deny

_findings contains ["pss-restricted-run-as-non-root", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_restricted_run_as_non_root.deny

_findings contains ["pss-restricted-run-as-user", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_restricted_run_as_user.deny

_findings contains ["pss-restricted-seccomp", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_restricted_seccomp.deny

_findings contains ["pss-restricted-volume-types", "deny", _msg(r)] if some r in data.paved.kubernetes.pss_restricted_volume_types.deny

_findings contains ["read-only-root-filesystem", "deny", _msg(r)] if some r in data.paved.kubernetes.read_only_root_filesystem.deny

_findings contains ["resources-requests-limits", "deny", _msg(r)] if some r in data.paved.kubernetes.resources_requests_limits.deny

_findings contains ["run-as-non-root", "deny", _msg(r)] if some r in data.paved.kubernetes.run_as_non_root.deny

_findings contains ["service-exposure-approved", "deny", _msg(r)] if some r in data.paved.kubernetes.service_exposure_approved.deny
