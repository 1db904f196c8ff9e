package main

import data.kubernetes

name := input.metadata.name

deny contains msg if {
	kubernetes.is_deployment
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Deployment %s must set runAsNonRoot", [name])
}

deny contains msg if {
	kubernetes.is_deployment
	not input.spec.selector.matchLabels.app
	msg := sprintf("Deployment %s must select its pods by an app label", [name])
}

deny_latest_tag contains msg if {
	kubernetes.is_deployment
	some container in input.spec.template.spec.containers
	endswith(container.image, ":latest")
	msg := sprintf("container %s of %s uses a latest tag", [container.name, name])
}

exception contains rules if {
	input.metadata.name == "legacy-app"
	rules := ["latest_tag"]
}
