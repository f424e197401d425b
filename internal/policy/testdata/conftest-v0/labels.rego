package main

violation[{"msg": msg}] {
	input.kind == "Deployment"
	not input.metadata.labels.app
	msg := "Deployments need an app label"
}
