# Helpers for Terraform policies. A terraform input is one resource:
# {address, module, type, name, provider, mode, source: "plan"|"hcl",
# actions (plans only), values, unknown, references, tags}. values holds
# what is known before apply; unknown mirrors it with true where a value
# is known only after apply; tags (the effective tags or labels) is left
# out when they are unknown. A terraform-module input is {resources: [...]}
# with every resource of one plan or directory.
package paved.lib.terraform

# is_unknown(r, path) holds when the value at path (a list of keys and
# indexes under values) is unknown until apply, or anything above it is.
is_unknown(r, _) if r.unknown == true

is_unknown(r, path) if {
	some n in numbers.range(1, count(path))
	object.get(r.unknown, array.slice(path, 0, n), false) == true
}

# has_unknown(r, key) holds when any part of values[key] is unknown.
has_unknown(r, key) if {
	u := object.get(r.unknown, key, false)
	u == true
}

has_unknown(r, key) if {
	u := object.get(r.unknown, key, false)
	is_object_or_array(u)
	walk(u, [_, v])
	v == true
}

is_object_or_array(x) if is_object(x)

is_object_or_array(x) if is_array(x)

# value(r, key, fallback) is values[key], or fallback when it is absent or
# null. Check is_unknown first: an unknown value is absent from values.
value(r, key, fallback) := v if {
	v := object.get(r.values, key, null)
	v != null
} else := fallback

# known(r, key) holds when values[key] is known (possibly null).
known(r, key) if not is_unknown(r, [key])

# changed(r) holds for a resource the plan creates or updates (replace
# included), and for every resource read from .tf files; a plan's no-op
# resources are in a terraform-module's resources only so that policies
# can relate changed resources to them.
changed(r) if not r.actions

changed(r) if {
	some a in r.actions
	a in {"create", "update"}
}

# base_address is the address without its instance key, as references
# name it: module.storage.aws_s3_bucket.assets for
# module.storage.aws_s3_bucket.assets["eu"].
base_address(r) := concat(".", [r.type, r.name]) if {
	object.get(r, "module", "") == ""
} else := concat(".", [r.module, r.type, r.name])

# references(r, attr) is the set of resource addresses (no instance keys)
# that attribute attr of r refers to.
references(r, attr) := {a | some a in object.get(r, ["references", attr], [])}

# refers_to(r, attr, target) holds when r's attribute attr references the
# resource target.
refers_to(r, attr, target) if base_address(target) in references(r, attr)

# has_references(r) holds when the input says what r references (plans
# with their configuration section, and .tf files).
has_references(r) if count(object.get(r, "references", {})) > 0

# taggable(r) holds for a resource that takes tags or labels. Without the
# provider schemas paved approximates: AWS and Azure resources whose
# values (or unknown values) have tags or tags_all, Google resources with
# labels or terraform_labels, and, for .tf files where an unset attribute
# is simply absent, the common taggable types below.
taggable(r) if {
	r.provider in {"aws", "azurerm"}
	some k in ["tags", "tags_all"]
	_has_key(r, k)
}

taggable(r) if {
	startswith(r.provider, "google")
	some k in ["labels", "terraform_labels"]
	_has_key(r, k)
}

taggable(r) if r.type in common_taggable

_has_key(r, k) if object.get(r.values, k, "<absent>") != "<absent>"

_has_key(r, k) if object.get(r.unknown, k, false) != false

# tags_unknown(r) holds when r's effective tags are known only after
# apply (the adapters then leave tags out).
tags_unknown(r) if not is_object(object.get(r, "tags", null))

# tag_word names where a resource's tags live, for messages.
tag_word(r) := "labels" if {
	startswith(r.provider, "google")
} else := "tags"

# default_tags_word names the provider setting that adds tags to every
# resource, for messages.
default_tags_word(r) := "the aws provider's default_tags" if {
	r.provider == "aws"
} else := "the google provider's default_labels" if {
	startswith(r.provider, "google")
} else := "the resource's tags"

# common_taggable lists widely used resource types that take tags (AWS,
# Azure) or labels (Google).
common_taggable := {
	"aws_s3_bucket", "aws_instance", "aws_db_instance", "aws_rds_cluster",
	"aws_lambda_function", "aws_vpc", "aws_subnet", "aws_security_group",
	"aws_eks_cluster", "aws_eks_node_group", "aws_ecs_cluster", "aws_ecs_service",
	"aws_ecs_task_definition", "aws_dynamodb_table", "aws_sqs_queue", "aws_sns_topic",
	"aws_kms_key", "aws_iam_role", "aws_lb", "aws_ebs_volume", "aws_efs_file_system",
	"aws_cloudwatch_log_group", "aws_ecr_repository", "aws_secretsmanager_secret",
	"aws_launch_template", "aws_nat_gateway", "aws_internet_gateway", "aws_eip",
	"aws_elasticache_replication_group", "aws_cloudfront_distribution",
	"aws_kinesis_stream", "aws_msk_cluster", "aws_opensearch_domain",
	"azurerm_resource_group", "azurerm_storage_account", "azurerm_kubernetes_cluster",
	"azurerm_virtual_network", "azurerm_linux_virtual_machine",
	"azurerm_windows_virtual_machine", "azurerm_key_vault", "azurerm_container_registry",
	"azurerm_postgresql_flexible_server", "azurerm_mssql_server", "azurerm_cosmosdb_account",
	"azurerm_public_ip", "azurerm_network_security_group", "azurerm_service_plan",
	"azurerm_linux_web_app", "azurerm_redis_cache",
	"google_storage_bucket", "google_compute_instance", "google_compute_disk",
	"google_container_cluster", "google_container_node_pool", "google_pubsub_topic",
	"google_pubsub_subscription", "google_bigquery_dataset", "google_bigquery_table",
	"google_cloud_run_v2_service", "google_cloudfunctions2_function", "google_redis_instance",
	"google_kms_crypto_key", "google_secret_manager_secret",
	"google_artifact_registry_repository",
}
