# METADATA
# title: Resources must not target the default namespace
# description: >-
#   The default namespace has no owner, no quota and no network policy of its
#   own, so what runs there is hard to attribute and easy to break. Pods,
#   controllers (Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   ReplicationController, Job, CronJob), Services and the namespaced objects
#   that go with them (ConfigMap, Secret, ServiceAccount, Ingress,
#   PersistentVolumeClaim, HorizontalPodAutoscaler, PodDisruptionBudget,
#   NetworkPolicy, Role, RoleBinding) must not set metadata.namespace:
#   default. A manifest without metadata.namespace is not a violation at this
#   layer, because kubectl apply -n or a kustomization may set it; admission
#   sees the final namespace.
# custom:
#   id: no-default-namespace
#   severity: medium
#   inputs: [kubernetes]
#   remediation: >-
#     Set metadata.namespace to the namespace your team's service runs in (see
#     the service's page in paved), or remove it and apply with kubectl -n or a
#     kustomization namespace.
package paved.kubernetes.no_default_namespace

import data.paved.lib.kubernetes

namespaced_kinds := {
	"Service", "ConfigMap", "Secret", "ServiceAccount", "Ingress",
	"PersistentVolumeClaim", "HorizontalPodAutoscaler", "PodDisruptionBudget",
	"NetworkPolicy", "Role", "RoleBinding",
}

deny contains {"msg": msg} if {
	input.metadata.namespace == "default"
	_applies
	msg := sprintf("%s %q sets metadata.namespace: default; deploy it to your team's namespace instead", [input.kind, object.get(input.metadata, "name", "")])
}

_applies if kubernetes.is_workload

_applies if namespaced_kinds[input.kind]
