package paved.terraform.ownership_tags_test

import data.paved.terraform.ownership_tags as policy

bucket(extra) := _merge(
	{
		"address": "aws_s3_bucket.logs", "module": "", "type": "aws_s3_bucket", "name": "logs",
		"provider": "aws", "mode": "managed", "source": "plan", "actions": ["create"],
		"values": {"bucket": "logs", "tags": {"Name": "logs"}, "tags_all": {"Name": "logs"}},
		"unknown": {"id": true},
		"tags": {"Team": "Payments", "service": "checkout", "env": "prod"},
	},
	extra,
)

catalog := {"available": true, "teams": {"payments": true}}

test_tagged_resource_passes if {
	count(policy.deny) == 0 with input as bucket({})
	count(policy.deny) == 0 with input as bucket({}) with data.paved.catalog as catalog
}

test_missing_tags if {
	deny := policy.deny with input as bucket({"tags": {"team": "payments"}})
	deny == {
		{"resource": "aws_s3_bucket.logs", "msg": "aws_s3_bucket.logs has no service tag; set one of service, paved.dev/service, app.kubernetes.io/name, app in its tags or in the aws provider's default_tags"},
		{"resource": "aws_s3_bucket.logs", "msg": "aws_s3_bucket.logs has no environment tag; set one of environment, env, paved.dev/environment in its tags or in the aws provider's default_tags"},
	}
}

test_blank_value_is_missing if {
	deny := policy.deny with input as bucket({"tags": {"team": " ", "owner": "", "service": "a", "environment": "b"}})
	count(deny) == 1
}

test_no_tags_at_all if {
	count(policy.deny) == 3 with input as bucket({"tags": {}})
}

test_google_labels if {
	r := bucket({
		"address": "google_storage_bucket.media", "type": "google_storage_bucket", "provider": "google",
		"values": {"labels": {"team": "media"}, "terraform_labels": {"team": "media"}},
		"tags": {"team": "media"},
	})
	some d in policy.deny with input as r
	d.msg == "google_storage_bucket.media has no service label; set one of service, paved.dev/service, app.kubernetes.io/name, app in its labels or in the google provider's default_labels"
	count(policy.deny) == 2 with input as r
}

test_configured_keys if {
	cfg := {"team_keys": ["cost-center"], "service_keys": [], "environment_keys": ["stage"]}
	r := bucket({"tags": {"Cost-Center": "payments", "service": "x", "stage": "prod"}})
	count(policy.deny) == 0 with input as r with data.paved.config.ownership as cfg
	count(policy.deny) == 2 with input as bucket({}) with data.paved.config.ownership as cfg
}

test_unknown_tags_are_not_violations if {
	r := object.remove(bucket({"unknown": {"tags_all": true}}), ["tags"])
	count(policy.deny) == 0 with input as r
}

test_untaggable_and_unchanged_resources_are_skipped if {
	policy_doc := bucket({
		"address": "aws_s3_bucket_policy.logs", "type": "aws_s3_bucket_policy",
		"values": {"policy": "{}"}, "tags": {},
	})
	count(policy.deny) == 0 with input as policy_doc
	count(policy.deny) == 0 with input as bucket({"actions": ["no-op"], "tags": {}})
}

test_hcl_resource_without_tags_attribute if {
	r := bucket({"source": "hcl", "values": {"bucket": "logs"}, "unknown": {}, "tags": {}})
	count(policy.deny) == 3 with input as object.remove(r, ["actions"])
}

test_team_must_be_in_catalog if {
	r := bucket({"tags": {"team": "Payments Squad", "service": "a", "environment": "b"}})
	policy.deny == {{"resource": "aws_s3_bucket.logs", "msg": "aws_s3_bucket.logs: team \"payments-squad\" is not in the catalog; known teams are listed by paved team list"}} with input as r
		with data.paved.catalog as catalog
	count(policy.deny) == 0 with input as r
		with data.paved.catalog as catalog
		with data.paved.config.ownership as {"aliases": {"team": {"payments-squad": "payments"}}}
	count(policy.deny) == 0 with input as r with data.paved.catalog as {"available": false, "teams": {}}
}

# _merge replaces base's keys with extra's (object.union would merge
# nested objects).
_merge(base, extra) := object.union(object.remove(base, object.keys(extra)), extra)
