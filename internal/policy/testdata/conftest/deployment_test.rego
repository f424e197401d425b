package main

test_root_deployment_denied if {
	deny["Containers must not run as root in Deployment web"] with input as {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {}}}}
}

test_non_root_deployment_allowed if {
	count(deny) == 0 with input as {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}}}}}
}
