package input

import (
	"bytes"
	"fmt"
	"strings"
)

// genPlan returns a `terraform show -json` plan of n resource changes,
// shaped like a real one: planned_values, resource_changes with before,
// after, after_unknown and the sensitivity masks, configuration with
// expressions and references, and prior_state; about 2 KiB per resource.
func genPlan(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 2300)
	b.WriteString(`{"format_version":"1.2","terraform_version":"1.9.5","variables":{"environment":{"value":"prod"}},"planned_values":{"root_module":{"resources":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		typ, after, _ := genResource(i)
		fmt.Fprintf(&b, `{"address":"%s.r%d","mode":"managed","type":"%s","name":"r%d","provider_name":"registry.terraform.io/hashicorp/%s","schema_version":0,"values":%s,"sensitive_values":{"tags":{},"tags_all":{}}}`,
			typ, i, typ, i, providerOf(typ), after)
	}
	b.WriteString(`]}},"resource_changes":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		typ, after, unknown := genResource(i)
		actions, before := `["create"]`, "null"
		switch i % 10 {
		case 7:
			actions, before = `["update"]`, strings.Replace(after, `"prod"`, `"staging"`, 1)
		case 8:
			actions, before = `["no-op"]`, after
		case 9:
			actions, before, after, unknown = `["delete"]`, after, "null", "{}"
		}
		fmt.Fprintf(&b, "\n    {\"address\":\"%s.r%d\",\"mode\":\"managed\",\"type\":\"%s\",\"name\":\"r%d\",\"provider_name\":\"registry.terraform.io/hashicorp/%s\",\"change\":{\"actions\":%s,\"before\":%s,\"after\":%s,\"after_unknown\":%s,\"before_sensitive\":false,\"after_sensitive\":{\"tags\":{},\"tags_all\":{}}}}",
			typ, i, typ, i, providerOf(typ), actions, before, after, unknown)
	}
	b.WriteString(`],"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws","expressions":{"region":{"constant_value":"eu-west-1"}}}},"root_module":{"resources":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		typ, _, _ := genResource(i)
		fmt.Fprintf(&b, `{"address":"%s.r%d","mode":"managed","type":"%s","name":"r%d","provider_config_key":"%s","expressions":{"bucket":{"references":["aws_s3_bucket.r%d.id","aws_s3_bucket.r%d"]},"tags":{"references":["local.tags"]}},"schema_version":0}`,
			typ, i, typ, i, providerOf(typ), i-1, i-1)
	}
	b.WriteString(`]}},"timestamp":"2024-05-01T10:00:00Z","errored":false}`)
	return b.Bytes()
}

func providerOf(typ string) string {
	p, _, _ := strings.Cut(typ, "_")
	return p
}

func genResource(i int) (typ, after, unknown string) {
	switch i % 4 {
	case 0:
		return "aws_s3_bucket", fmt.Sprintf(`{"bucket":"logs-%d","bucket_prefix":null,"force_destroy":false,"object_lock_enabled":false,"tags":{"Name":"logs-%d","service":"checkout"},"tags_all":{"Name":"logs-%d","service":"checkout","team":"payments","environment":"prod"},"timeouts":null}`, i, i, i),
			`{"acceleration_status":true,"acl":true,"arn":true,"bucket_domain_name":true,"bucket_regional_domain_name":true,"cors_rule":true,"grant":true,"hosted_zone_id":true,"id":true,"lifecycle_rule":true,"logging":true,"object_lock_configuration":true,"policy":true,"region":true,"replication_configuration":true,"request_payer":true,"server_side_encryption_configuration":true,"tags":{},"tags_all":{},"versioning":true,"website":true,"website_domain":true,"website_endpoint":true}`
	case 1:
		return "aws_instance", fmt.Sprintf(`{"ami":"ami-0abcdef1234567890","credit_specification":[],"disable_api_stop":false,"disable_api_termination":false,"ebs_optimized":true,"get_password_data":false,"hibernation":false,"instance_type":"m6i.large","monitoring":true,"root_block_device":[{"delete_on_termination":true,"encrypted":true,"volume_size":50,"volume_type":"gp3"}],"source_dest_check":true,"tags":{"Name":"web-%d","team":"web"},"tags_all":{"Name":"web-%d","team":"web","environment":"prod"},"timeouts":null,"user_data_replace_on_change":false,"volume_tags":null}`, i, i),
			`{"arn":true,"associate_public_ip_address":true,"availability_zone":true,"cpu_core_count":true,"cpu_threads_per_core":true,"credit_specification":[],"ebs_block_device":true,"enclave_options":true,"ephemeral_block_device":true,"host_id":true,"id":true,"instance_state":true,"ipv6_addresses":true,"key_name":true,"metadata_options":true,"network_interface":true,"primary_network_interface_id":true,"private_dns":true,"private_ip":true,"public_dns":true,"public_ip":true,"root_block_device":[{"device_name":true,"iops":true,"kms_key_id":true,"throughput":true,"volume_id":true}],"security_groups":true,"subnet_id":true,"tags":{},"tags_all":{},"tenancy":true,"vpc_security_group_ids":true}`
	case 2:
		return "google_storage_bucket", fmt.Sprintf(`{"name":"assets-%d","location":"EU","force_destroy":false,"labels":{"team":"web"},"terraform_labels":{"team":"web","environment":"prod","goog-terraform-provisioned":"true"},"effective_labels":{"team":"web","environment":"prod","goog-terraform-provisioned":"true"},"public_access_prevention":"enforced","uniform_bucket_level_access":true,"storage_class":"STANDARD","versioning":[{"enabled":true}],"timeouts":null}`, i),
			`{"effective_labels":{},"id":true,"labels":{},"project":true,"self_link":true,"terraform_labels":{},"url":true,"versioning":[{}]}`
	default:
		return "aws_security_group", fmt.Sprintf(`{"description":"web %d","egress":[{"cidr_blocks":["0.0.0.0/0"],"description":"","from_port":0,"ipv6_cidr_blocks":[],"prefix_list_ids":[],"protocol":"-1","security_groups":[],"self":false,"to_port":0}],"ingress":[{"cidr_blocks":["10.0.0.0/8"],"description":"https","from_port":443,"ipv6_cidr_blocks":[],"prefix_list_ids":[],"protocol":"tcp","security_groups":[],"self":false,"to_port":443}],"name":"web-%d","revoke_rules_on_delete":false,"tags":{"environment":"prod"},"tags_all":{"environment":"prod"},"timeouts":null}`, i, i),
			`{"arn":true,"egress":[{"cidr_blocks":[false],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}],"id":true,"ingress":[{"cidr_blocks":[false],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}],"name_prefix":true,"owner_id":true,"tags":{},"tags_all":{},"vpc_id":true}`
	}
}
