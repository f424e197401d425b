# METADATA
# title: Storage buckets must not be public
# description: >-
#   A bucket readable by anyone on the internet is the most common cloud
#   data leak. Denied: on AWS, an S3 public access block with any of its
#   four settings false or unset, a public canned ACL (public-read,
#   public-read-write, authenticated-read) or an ACL grant to AllUsers or
#   AuthenticatedUsers, a bucket policy that allows Principal "*" without a
#   Condition, and a bucket created with no public access block in the
#   same plan or module (nor an account-wide one); on Azure, a storage
#   account that lets containers and blobs be made public
#   (allow_nested_items_to_be_public, true when unset) and a container with
#   anonymous access (container_access_type blob or container); on Google
#   Cloud, a bucket without uniform bucket-level access or with public
#   access prevention other than enforced, and IAM members or ACL entries
#   for allUsers or allAuthenticatedUsers. A value known only after apply
#   is not a violation. public_network_access_enabled on an Azure storage
#   account is not checked: it opens the network path to an endpoint that
#   still requires authorisation, like any S3 or GCS endpoint.
# custom:
#   id: no-public-buckets
#   severity: critical
#   inputs: [terraform, terraform-module]
#   remediation: >-
#     AWS: add an aws_s3_bucket_public_access_block for each bucket with
#     block_public_acls, block_public_policy, ignore_public_acls and
#     restrict_public_buckets set to true, use a private ACL and grant access
#     to named principals. Azure: set allow_nested_items_to_be_public = false
#     and container_access_type = "private". Google: set
#     uniform_bucket_level_access = true and public_access_prevention =
#     "enforced", and grant roles to named members instead of allUsers.
package paved.terraform.no_public_buckets

import data.paved.lib.terraform as tf

# One resource (terraform input).

_resource if {
	is_string(input.address)
	tf.changed(input)
}

pab_settings := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type in {"aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"}
	some setting in pab_settings
	not tf.is_unknown(input, [setting])
	tf.value(input, setting, false) != true
	msg := sprintf("%s: %s is %s; set it to true", [input.address, setting, _false_or_unset(setting)])
}

_false_or_unset(setting) := "false" if input.values[setting] == false

else := "unset (false)"

public_acls := {"public-read", "public-read-write", "authenticated-read"}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type in {"aws_s3_bucket_acl", "aws_s3_bucket"}
	acl := tf.value(input, "acl", "private")
	acl in public_acls
	msg := sprintf("%s: acl %q makes the bucket readable by %s; use acl \"private\" (or no ACL) and grant access to named principals", [input.address, acl, _readers(acl)])
}

_readers(acl) := "any AWS account" if acl == "authenticated-read"

else := "anyone"

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "aws_s3_bucket_acl"
	some policy in tf.value(input, "access_control_policy", [])
	some grant in object.get(policy, "grant", [])
	some grantee in object.get(grant, "grantee", [])
	grantee.uri in public_groups
	msg := sprintf("%s: access_control_policy grants %s to %s; grant to named accounts instead", [input.address, object.get(grant, "permission", "access"), grantee.uri])
}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type in {"aws_s3_bucket_policy", "aws_s3_bucket"}
	not tf.is_unknown(input, ["policy"])
	doc := _policy_json(tf.value(input, "policy", ""))
	some s in _statements(doc)
	object.get(s, "Effect", "") == "Allow"
	_public_principal(object.get(s, "Principal", null))
	not s.Condition
	msg := sprintf("%s: policy allows %s to Principal \"*\" (anyone) with no Condition; name the principals or add a Condition (aws:SourceVpce, aws:PrincipalOrgID)", [input.address, _actions(s)])
}

_policy_json(p) := doc if {
	is_string(p)
	json.is_valid(p)
	doc := json.unmarshal(p)
}

_policy_json(p) := p if is_object(p)

_statements(doc) := doc.Statement if is_array(doc.Statement)

_statements(doc) := [doc.Statement] if is_object(doc.Statement)

_public_principal("*")

_public_principal(p) if p.AWS == "*"

_public_principal(p) if "*" in p.AWS

_actions(s) := concat(", ", s.Action) if is_array(s.Action)

else := s.Action if is_string(s.Action)

else := "actions"

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "azurerm_storage_account"
	not tf.is_unknown(input, ["allow_nested_items_to_be_public"])
	tf.value(input, "allow_nested_items_to_be_public", true) != false
	msg := sprintf("%s: allow_nested_items_to_be_public is %s, so containers and blobs can be made public; set it to false", [input.address, _true_or_unset("allow_nested_items_to_be_public")])
}

_true_or_unset(k) := "true" if input.values[k] == true

else := "unset (true)"

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "azurerm_storage_container"
	access := tf.value(input, "container_access_type", "private")
	access in {"blob", "container"}
	msg := sprintf("%s: container_access_type %q allows anonymous reads; set it to \"private\"", [input.address, access])
}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "google_storage_bucket"
	not tf.is_unknown(input, ["uniform_bucket_level_access"])
	tf.value(input, "uniform_bucket_level_access", false) != true
	msg := sprintf("%s: uniform_bucket_level_access is not true, so object ACLs can make objects public; set it to true", [input.address])
}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "google_storage_bucket"
	not tf.is_unknown(input, ["public_access_prevention"])
	pap := tf.value(input, "public_access_prevention", "unset")
	pap != "enforced"
	msg := sprintf("%s: public_access_prevention is %s; set it to \"enforced\"", [input.address, _quoted(pap)])
}

_quoted(v) := v if v == "unset"

else := sprintf("%q", [v])

public_members := {"allUsers", "allAuthenticatedUsers"}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "google_storage_bucket_iam_member"
	member := tf.value(input, "member", "")
	member in public_members
	msg := sprintf("%s: grants %s to %s; grant it to named members instead", [input.address, tf.value(input, "role", "a role"), member])
}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "google_storage_bucket_iam_binding"
	some member in tf.value(input, "members", [])
	member in public_members
	msg := sprintf("%s: members include %s for %s; grant it to named members instead", [input.address, member, tf.value(input, "role", "a role")])
}

deny contains {"msg": msg, "resource": input.address} if {
	_resource
	input.type == "google_storage_bucket_acl"
	some entry in tf.value(input, "role_entity", [])
	some member in public_members
	endswith(entry, concat(":", ["", member]))
	msg := sprintf("%s: role_entity %q makes the bucket public; remove it", [input.address, entry])
}

# A whole plan or module (terraform-module input): an S3 bucket created or
# changed with no public access block that could refer to it.

deny contains {"msg": msg, "resource": bucket.address} if {
	is_array(input.resources)
	not _account_block
	some bucket in input.resources
	bucket.type == "aws_s3_bucket"
	tf.changed(bucket)
	not _blocked(bucket)
	msg := sprintf("%s has no aws_s3_bucket_public_access_block; add one with bucket = %s.id and all four settings true", [bucket.address, tf.base_address(bucket)])
}

_blocks := [r | some r in input.resources; r.type == "aws_s3_bucket_public_access_block"]

# An account-wide block (with no setting false) covers every bucket.
_account_block if {
	some r in input.resources
	r.type == "aws_s3_account_public_access_block"
	every s in pab_settings {
		object.get(r.values, s, false) != false
	}
}

# What the module's public access blocks cover, computed once per module
# rather than per bucket and block (a 20,000-resource plan has thousands
# of each): the bucket addresses they reference, the bucket names they
# set, and whether one of them could be any bucket.
_referenced := {a |
	some pab in _blocks
	some a in tf.references(pab, "bucket")
}

_named := {name |
	some pab in _blocks
	name := pab.values.bucket
}

# A block whose bucket is unknown and whose references are not known may
# be this bucket's: never a violation.
_any_bucket if {
	some pab in _blocks
	tf.is_unknown(pab, ["bucket"])
	not tf.has_references(pab)
}

_blocked(_) if _any_bucket

_blocked(bucket) if tf.base_address(bucket) in _referenced

_blocked(bucket) if bucket.values.bucket in _named

_blocked(bucket) if bucket.values.id in _named
