package main

import data.kubernetes

warn contains msg if {
	kubernetes.is_service
	not input.metadata.labels.team
	msg := sprintf("Service %s has no team label", [input.metadata.name])
}

violation contains {"msg": msg, "details": {"type": input.spec.type}} if {
	kubernetes.is_service
	input.spec.type == "LoadBalancer"
	msg := sprintf("Service %s is exposed through a LoadBalancer", [input.metadata.name])
}
