package paved.kubernetes.ownership_labels_test

import data.paved.kubernetes.ownership_labels as policy
import data.paved.lib.kubernetes_test as fx

with_labels(obj, labels) := json.patch(obj, [{"op": "add", "path": "/metadata/labels", "value": labels}])

test_labelled_workloads_and_services_pass if {
	every w in array.concat(fx.workloads(fx.hardened_spec), [fx.service("ClusterIP", {})]) {
		count(policy.deny) == 0 with input as w with data.paved.catalog as fx.catalog
	}
}

test_missing_labels_on_a_bare_pod if {
	msgs := {r.msg | some r in policy.deny} with input as with_labels(fx.pod(fx.hardened_spec), {})
	msgs == {
		`Pod "web" has no team label; set one of team, owner, paved.dev/team in metadata.labels`,
		`Pod "web" has no service label; set one of service, paved.dev/service, app.kubernetes.io/name, app in metadata.labels`,
		`Pod "web" has no environment label; set one of environment, env, paved.dev/environment in metadata.labels`,
	}
}

test_pod_template_labels_count_for_controllers if {
	# the fixtures' templates carry app: web, so only team and environment are missing
	d := with_labels(fx.deployment(fx.hardened_spec), {})
	msgs := {r.msg | some r in policy.deny} with input as d
	msgs == {
		`Deployment "web" has no team label; set one of team, owner, paved.dev/team in metadata.labels or spec.template.metadata.labels`,
		`Deployment "web" has no environment label; set one of environment, env, paved.dev/environment in metadata.labels or spec.template.metadata.labels`,
	}
	c := json.patch(fx.cronjob(fx.hardened_spec), [
		{"op": "add", "path": "/metadata/labels", "value": {}},
		{"op": "add", "path": "/spec/jobTemplate/spec/template/metadata/labels", "value": fx.owner_labels},
	])
	count(policy.deny) == 0 with input as c with data.paved.catalog as fx.catalog
}

test_keys_compare_case_insensitively_and_skip_blank_values if {
	labels := {"Team": "payments", "owner": "", "App.Kubernetes.io/Name": "web", "env": "prod"}
	count(policy.deny) == 0 with input as with_labels(fx.pod(fx.hardened_spec), labels) with data.paved.catalog as fx.catalog
	count(policy.deny) == 1 with input as with_labels(fx.pod(fx.hardened_spec), {"team": " ", "app": "web", "env": "prod"})
}

test_configured_keys if {
	cfg := {"ownership": {"team_keys": ["squad"], "service_keys": [], "environment_keys": ["stage"]}}
	labels := {"squad": "payments", "app": "web", "stage": "prod"}
	count(policy.deny) == 0 with input as with_labels(fx.service("ClusterIP", {}), labels) with data.paved.config as cfg
	msgs := {r.msg | some r in policy.deny} with input as fx.service("ClusterIP", {}) with data.paved.config as cfg
	msgs == {
		`Service "web" has no team label; set one of squad in metadata.labels`,
		`Service "web" has no environment label; set one of stage in metadata.labels`,
	}
}

test_non_string_label_values_do_not_count if {
	count(policy.deny) == 1 with input as with_labels(fx.service("ClusterIP", {}), {"team": 7, "app": "web", "env": "prod"})
}

test_team_must_be_in_the_catalog if {
	obj := with_labels(fx.service("ClusterIP", {}), {"team": "Growth Team", "app": "web", "env": "prod"})
	policy.deny == {{"msg": `team "growth-team" is not in the catalog; known teams are listed by paved team list`}} with input as obj with data.paved.catalog as fx.catalog
}

test_team_aliases_are_applied if {
	obj := with_labels(fx.deployment(fx.hardened_spec), {"owner": "Payments_Squad", "env": "prod"})
	cfg := {"ownership": {"aliases": {"team": {"payments-squad": "payments"}}}}
	count(policy.deny) == 0 with input as obj with data.paved.config as cfg with data.paved.catalog as fx.catalog
	count(policy.deny) == 1 with input as obj with data.paved.catalog as fx.catalog
}

test_catalog_check_is_skipped_when_unavailable if {
	obj := with_labels(fx.pod(fx.hardened_spec), {"team": "nobody", "app": "web", "env": "prod"})
	count(policy.deny) == 0 with input as obj
	count(policy.deny) == 0 with input as obj with data.paved.catalog as {"available": false, "teams": {}}
	count(policy.deny) == 1 with input as obj with data.paved.catalog as {"available": true}
}

test_other_kinds_are_ignored if {
	count(policy.deny) == 0 with input as fx.configmap
	count(policy.deny) == 0 with input as {"kind": "Namespace", "metadata": {"name": "shop"}}
}

test_first_configured_key_wins if {
	# plain keys: looked up directly
	policy.found == {"team": "a", "service": "web", "environment": "prod"} with input as with_labels(fx.service("ClusterIP", {}), {"owner": "b", "team": "a", "app": "web", "env": "prod"})
	policy.found.team == "b" with input as with_labels(fx.service("ClusterIP", {}), {"owner": "b", "team": " "})

	# keys not in normalised form: first_present decides, with the same answer
	policy.found.team == "a" with input as with_labels(fx.service("ClusterIP", {}), {"owner": "b", "Team": "a"})
	policy.found.team == "a" with input as with_labels(fx.service("ClusterIP", {}), {" TEAM ": "a", "owner": "b", "team": ""})
	policy.found.team == "b" with input as with_labels(fx.service("ClusterIP", {}), {"Owner": "b", "paved.dev/team": "c"})
}

test_template_labels_are_the_fallback if {
	d := json.patch(fx.deployment(fx.hardened_spec), [
		{"op": "add", "path": "/metadata/labels", "value": {"team": "payments"}},
		{"op": "add", "path": "/spec/template/metadata/labels", "value": {"Team": "search", "App": "web", "env": "prod"}},
	])
	policy.found == {"team": "payments", "service": "web", "environment": "prod"} with input as d
}
