package paved.terraform.no_public_buckets_test

import data.paved.terraform.no_public_buckets as policy

res(type, name, values, extra) := _merge(
	{
		"address": concat(".", [type, name]), "module": "", "type": type, "name": name,
		"provider": split(type, "_")[0], "mode": "managed", "source": "plan", "actions": ["create"],
		"values": values, "unknown": {}, "tags": {},
	},
	extra,
)

_merge(base, extra) := object.union(object.remove(base, object.keys(extra)), extra)

msgs(r) := m if {
	deny := policy.deny with input as r
	m := {d.msg | some d in deny}
}

pab_all_true := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

test_public_access_block if {
	count(policy.deny) == 0 with input as res("aws_s3_bucket_public_access_block", "b", pab_all_true, {"unknown": {"bucket": true}})
	r := res("aws_s3_bucket_public_access_block", "b", {"block_public_acls": true, "block_public_policy": false, "ignore_public_acls": true}, {})
	msgs(r) == {
		"aws_s3_bucket_public_access_block.b: block_public_policy is false; set it to true",
		"aws_s3_bucket_public_access_block.b: restrict_public_buckets is unset (false); set it to true",
	}
	policy.deny == {{"msg": "aws_s3_bucket_public_access_block.b: block_public_policy is false; set it to true", "resource": "aws_s3_bucket_public_access_block.b"}} with input as res("aws_s3_bucket_public_access_block", "b", object.union(pab_all_true, {"block_public_policy": false}), {})
}

test_unknown_setting_is_not_a_violation if {
	r := res("aws_s3_bucket_public_access_block", "b", object.remove(pab_all_true, ["ignore_public_acls"]), {"unknown": {"ignore_public_acls": true}})
	count(policy.deny) == 0 with input as r
}

test_unchanged_resources_are_skipped if {
	count(policy.deny) == 0 with input as res("aws_s3_bucket_public_access_block", "b", {}, {"actions": ["no-op"]})
}

test_acl if {
	msgs(res("aws_s3_bucket_acl", "a", {"acl": "public-read"}, {})) == {`aws_s3_bucket_acl.a: acl "public-read" makes the bucket readable by anyone; use acl "private" (or no ACL) and grant access to named principals`}
	msgs(res("aws_s3_bucket", "a", {"acl": "authenticated-read"}, {})) == {`aws_s3_bucket.a: acl "authenticated-read" makes the bucket readable by any AWS account; use acl "private" (or no ACL) and grant access to named principals`}
	count(policy.deny) == 0 with input as res("aws_s3_bucket_acl", "a", {"acl": "private"}, {})
	count(policy.deny) == 0 with input as res("aws_s3_bucket_acl", "a", {}, {"unknown": {"acl": true}})
	grants := {"access_control_policy": [{"grant": [{"permission": "READ", "grantee": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}]}]}]}
	msgs(res("aws_s3_bucket_acl", "a", grants, {})) == {"aws_s3_bucket_acl.a: access_control_policy grants READ to http://acs.amazonaws.com/groups/global/AllUsers; grant to named accounts instead"}
}

public_policy := json.marshal({"Version": "2012-10-17", "Statement": [
	{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:*", "Resource": "*"},
	{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"},
]})

test_bucket_policy if {
	msgs(res("aws_s3_bucket_policy", "p", {"policy": public_policy}, {})) == {`aws_s3_bucket_policy.p: policy allows s3:GetObject to Principal "*" (anyone) with no Condition; name the principals or add a Condition (aws:SourceVpce, aws:PrincipalOrgID)`}
	aws_star := json.marshal({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:ListBucket"}})
	count(policy.deny) == 1 with input as res("aws_s3_bucket_policy", "p", {"policy": aws_star}, {})
	deny_star := json.marshal({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
	count(policy.deny) == 0 with input as res("aws_s3_bucket_policy", "p", {"policy": deny_star}, {})
	with_condition := json.marshal({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]})
	count(policy.deny) == 0 with input as res("aws_s3_bucket_policy", "p", {"policy": with_condition}, {})
	count(policy.deny) == 0 with input as res("aws_s3_bucket_policy", "p", {}, {"unknown": {"policy": true}})
	count(policy.deny) == 0 with input as res("aws_s3_bucket_policy", "p", {"policy": "not json"}, {})
}

test_azure_storage_account if {
	msgs(res("azurerm_storage_account", "s", {"name": "s"}, {})) == {"azurerm_storage_account.s: allow_nested_items_to_be_public is unset (true), so containers and blobs can be made public; set it to false"}
	msgs(res("azurerm_storage_account", "s", {"allow_nested_items_to_be_public": true}, {})) == {"azurerm_storage_account.s: allow_nested_items_to_be_public is true, so containers and blobs can be made public; set it to false"}
	count(policy.deny) == 0 with input as res("azurerm_storage_account", "s", {"allow_nested_items_to_be_public": false, "public_network_access_enabled": true}, {})
	count(policy.deny) == 0 with input as res("azurerm_storage_account", "s", {}, {"unknown": {"allow_nested_items_to_be_public": true}})
}

test_azure_container if {
	msgs(res("azurerm_storage_container", "c", {"container_access_type": "blob"}, {})) == {`azurerm_storage_container.c: container_access_type "blob" allows anonymous reads; set it to "private"`}
	count(policy.deny) == 1 with input as res("azurerm_storage_container", "c", {"container_access_type": "container"}, {})
	count(policy.deny) == 0 with input as res("azurerm_storage_container", "c", {"container_access_type": "private"}, {})
	count(policy.deny) == 0 with input as res("azurerm_storage_container", "c", {}, {})
}

test_gcs_bucket if {
	good := {"uniform_bucket_level_access": true, "public_access_prevention": "enforced"}
	count(policy.deny) == 0 with input as res("google_storage_bucket", "g", good, {})
	msgs(res("google_storage_bucket", "g", {}, {})) == {
		"google_storage_bucket.g: uniform_bucket_level_access is not true, so object ACLs can make objects public; set it to true",
		`google_storage_bucket.g: public_access_prevention is unset; set it to "enforced"`,
	}
	msgs(res("google_storage_bucket", "g", {"uniform_bucket_level_access": true, "public_access_prevention": "inherited"}, {})) == {`google_storage_bucket.g: public_access_prevention is "inherited"; set it to "enforced"`}
	count(policy.deny) == 0 with input as res("google_storage_bucket", "g", {"uniform_bucket_level_access": true}, {"unknown": {"public_access_prevention": true}})
}

test_gcs_iam if {
	msgs(res("google_storage_bucket_iam_member", "m", {"member": "allUsers", "role": "roles/storage.objectViewer"}, {})) == {"google_storage_bucket_iam_member.m: grants roles/storage.objectViewer to allUsers; grant it to named members instead"}
	count(policy.deny) == 0 with input as res("google_storage_bucket_iam_member", "m", {"member": "group:eng@example.com", "role": "r"}, {})
	count(policy.deny) == 1 with input as res("google_storage_bucket_iam_binding", "b", {"members": ["user:a@example.com", "allAuthenticatedUsers"], "role": "r"}, {})
	count(policy.deny) == 0 with input as res("google_storage_bucket_iam_binding", "b", {"members": ["user:a@example.com"], "role": "r"}, {})
	count(policy.deny) == 1 with input as res("google_storage_bucket_acl", "a", {"role_entity": ["OWNER:user-a@example.com", "READER:allUsers"]}, {})
}

# Modules.

bucket := res("aws_s3_bucket", "logs", {"bucket": "acme-logs"}, {"unknown": {"id": true}})

block(values, extra) := res("aws_s3_bucket_public_access_block", "logs", values, extra)

test_module_bucket_without_block if {
	policy.deny == {{"resource": "aws_s3_bucket.logs", "msg": "aws_s3_bucket.logs has no aws_s3_bucket_public_access_block; add one with bucket = aws_s3_bucket.logs.id and all four settings true"}} with input as {"resources": [bucket]}
}

test_module_bucket_with_referring_block if {
	pab := block(pab_all_true, {"unknown": {"bucket": true}, "references": {"bucket": ["aws_s3_bucket.logs"]}})
	count(policy.deny) == 0 with input as {"resources": [bucket, pab]}
	other := block(pab_all_true, {"unknown": {"bucket": true}, "references": {"bucket": ["aws_s3_bucket.other"]}})
	count(policy.deny) == 1 with input as {"resources": [bucket, other]}
}

test_module_block_by_name if {
	pab := block(object.union(pab_all_true, {"bucket": "acme-logs"}), {})
	count(policy.deny) == 0 with input as {"resources": [bucket, pab]}
}

test_module_block_unknown_without_references if {
	pab := block(pab_all_true, {"unknown": {"bucket": true}})
	count(policy.deny) == 0 with input as {"resources": [bucket, pab]}
}

test_module_instances if {
	b := res("aws_s3_bucket", "assets", {}, {"address": "module.m[0].aws_s3_bucket.assets[\"eu\"]", "module": "module.m[0]"})
	pab := res("aws_s3_bucket_public_access_block", "assets", pab_all_true, {
		"address": "module.m[0].aws_s3_bucket_public_access_block.assets[\"eu\"]", "module": "module.m[0]",
		"unknown": {"bucket": true}, "references": {"bucket": ["module.m[0].aws_s3_bucket.assets"]},
	})
	count(policy.deny) == 0 with input as {"resources": [b, pab]}
	policy.deny == {{"resource": "module.m[0].aws_s3_bucket.assets[\"eu\"]", "msg": "module.m[0].aws_s3_bucket.assets[\"eu\"] has no aws_s3_bucket_public_access_block; add one with bucket = module.m[0].aws_s3_bucket.assets.id and all four settings true"}} with input as {"resources": [b]}
}

test_module_account_block if {
	acct := res("aws_s3_account_public_access_block", "a", pab_all_true, {})
	count(policy.deny) == 0 with input as {"resources": [bucket, acct]}
	weak := res("aws_s3_account_public_access_block", "a", object.union(pab_all_true, {"block_public_acls": false}), {})
	count(policy.deny) == 1 with input as {"resources": [bucket, weak]}
}

test_module_unchanged_bucket_is_skipped if {
	count(policy.deny) == 0 with input as {"resources": [_merge(bucket, {"actions": ["no-op"]})]}
}
