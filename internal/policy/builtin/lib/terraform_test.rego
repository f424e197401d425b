package paved.lib.terraform_test

import data.paved.lib.terraform as tf

r(extra) := _merge(
	{
		"address": "aws_s3_bucket.logs", "module": "", "type": "aws_s3_bucket", "name": "logs",
		"provider": "aws", "mode": "managed", "source": "plan", "actions": ["create"],
		"values": {}, "unknown": {},
	},
	extra,
)

test_is_unknown if {
	x := r({"values": {"a": {"b": 1}}, "unknown": {"c": true, "d": [{"e": true}], "f": {"g": true}}})
	tf.is_unknown(x, ["c"])
	tf.is_unknown(x, ["c", "deeper"])
	tf.is_unknown(x, ["d", 0, "e"])
	tf.is_unknown(x, ["f", "g"])
	not tf.is_unknown(x, ["f"])
	not tf.is_unknown(x, ["a", "b"])
	not tf.is_unknown(x, ["d", 1, "e"])
	tf.is_unknown(r({"unknown": true}), ["anything"])
}

test_has_unknown if {
	x := r({"unknown": {"tags": {"team": true}, "tags_all": {}, "id": true}})
	tf.has_unknown(x, "tags")
	tf.has_unknown(x, "id")
	not tf.has_unknown(x, "tags_all")
	not tf.has_unknown(x, "bucket")
}

test_value if {
	x := r({"values": {"a": false, "b": null}})
	tf.value(x, "a", true) == false
	tf.value(x, "b", "d") == "d"
	tf.value(x, "c", "d") == "d"
}

test_changed if {
	tf.changed(r({"actions": ["create"]}))
	tf.changed(r({"actions": ["delete", "create"]}))
	tf.changed(r({"actions": ["update"]}))
	not tf.changed(r({"actions": ["no-op"]}))
	tf.changed(object.remove(r({}), ["actions"]))
}

test_base_address_and_references if {
	tf.base_address(r({})) == "aws_s3_bucket.logs"
	b := r({"module": "module.storage[0]", "address": "module.storage[0].aws_s3_bucket.logs[\"eu\"]"})
	tf.base_address(b) == "module.storage[0].aws_s3_bucket.logs"
	pab := r({"type": "aws_s3_bucket_public_access_block", "module": "module.storage[0]", "references": {"bucket": ["module.storage[0].aws_s3_bucket.logs"]}})
	tf.refers_to(pab, "bucket", b)
	not tf.refers_to(pab, "bucket", r({}))
	tf.has_references(pab)
	not tf.has_references(r({}))
}

test_taggable if {
	tf.taggable(r({"type": "aws_foo", "values": {"tags": null}}))
	tf.taggable(r({"type": "aws_foo", "unknown": {"tags_all": true}}))
	not tf.taggable(r({"type": "aws_s3_bucket_policy", "values": {"policy": "{}"}}))
	tf.taggable(r({"type": "google_foo", "provider": "google", "values": {"labels": {}}}))
	not tf.taggable(r({"type": "google_foo", "provider": "google", "values": {"tags": ["a"]}}))
	tf.taggable(r({"type": "aws_s3_bucket", "source": "hcl"}))
}

test_tags_unknown if {
	tf.tags_unknown(r({}))
	not tf.tags_unknown(r({"tags": {}}))
}

test_words if {
	tf.tag_word(r({"provider": "google"})) == "labels"
	tf.tag_word(r({})) == "tags"
	tf.default_tags_word(r({})) == "the aws provider's default_tags"
	tf.default_tags_word(r({"provider": "azurerm"})) == "the resource's tags"
}

# _merge replaces base's keys with extra's (object.union would merge
# nested objects).
_merge(base, extra) := object.union(object.remove(base, object.keys(extra)), extra)
