package paved.kubernetes.service_exposure_approved_test

import data.paved.kubernetes.service_exposure_approved as policy
import data.paved.lib.kubernetes_test as fx

test_internal_services_pass if {
	count(policy.deny) == 0 with input as fx.service("ClusterIP", {})
	count(policy.deny) == 0 with input as fx.service("ExternalName", {})
	count(policy.deny) == 0 with input as json.remove(fx.service("ClusterIP", {}), ["spec/type"])
}

test_exposed_services_need_approval if {
	every type in ["NodePort", "LoadBalancer"] {
		count(policy.deny) == 1 with input as fx.service(type, {})
	}
	policy.deny == {{"msg": `Service "web" has type LoadBalancer, which exposes it outside the cluster, but no approval: a platform or security team reviewer must set metadata.annotations["paved.dev/exposure-approved-by"] to their name (or use type ClusterIP behind an Ingress or Gateway)`}} with input as fx.service("LoadBalancer", {})
}

test_approved if {
	count(policy.deny) == 0 with input as fx.service("LoadBalancer", {"paved.dev/exposure-approved-by": "alice (SEC-142)"})
	count(policy.deny) == 0 with input as fx.service("NodePort", {"paved.dev/exposure-approved-by": "platform-team"})
}

test_blank_approval_does_not_count if {
	count(policy.deny) == 1 with input as fx.service("LoadBalancer", {"paved.dev/exposure-approved-by": "  "})
	count(policy.deny) == 1 with input as fx.service("LoadBalancer", {"paved.dev/exposure-approved-by": null})
	count(policy.deny) == 1 with input as json.remove(fx.service("NodePort", {}), ["metadata/annotations"])
}

test_other_kinds_are_ignored if {
	count(policy.deny) == 0 with input as fx.deployment(fx.hardened_spec)
	count(policy.deny) == 0 with input as {"kind": "Service"}
}
