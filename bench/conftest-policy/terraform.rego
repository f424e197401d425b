# The conftest side of the plan benchmark: conftest evaluates the whole
# plan document, so rules iterate resource_changes.
package main

taggable_prefixes := ["aws_", "azurerm_"]

deny contains msg if {
	some rc in input.resource_changes
	rc.change.actions[_] in {"create", "update"}
	some p in taggable_prefixes
	startswith(rc.type, p)
	rc.change.after.tags
	some key in ["team", "service", "environment"]
	not rc.change.after.tags[key]
	msg := sprintf("%s has no %s tag", [rc.address, key])
}

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_s3_bucket_public_access_block"
	some flag in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
	rc.change.after[flag] == false
	msg := sprintf("%s: %s is false", [rc.address, flag])
}

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "google_storage_bucket"
	not rc.change.after.uniform_bucket_level_access
	msg := sprintf("%s: uniform bucket-level access is off", [rc.address])
}
