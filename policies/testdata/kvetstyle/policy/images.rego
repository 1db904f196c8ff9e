# METADATA
# title: images come from an approved registry
# description: >-
#   Images pulled from public registries change under the same tag and are
#   not scanned by the company's pipeline.
# custom:
#   id: acme-image-registry
#   severity: warning
#   kinds: [Deployment, Job]
#   remediation: Push the image to an approved registry and reference it there.
#   parameters:
#   - name: registries
#     doc: image prefixes that are allowed
#     default: [registry.acme.example/]
package acme.images

import data.kvet.lib.result

deny contains result.at(["spec", "template", "spec", "containers", i, "image"], msg) if {
	some i, container in input.spec.template.spec.containers
	not approved(container.image)
	msg := sprintf("container %s uses image %s from outside the approved registries", [container.name, container.image])
}

# A container without resources: the path of the missing field resolves to
# the container's item line.
deny contains result.with_severity(["spec", "template", "spec", "containers", i, "resources"], msg, "info") if {
	some i, container in input.spec.template.spec.containers
	not container.resources
	msg := sprintf("container %s has no resources", [container.name])
}

approved(image) if {
	some prefix in data.kvet.params["acme-image-registry"].registries
	startswith(image, prefix)
}
