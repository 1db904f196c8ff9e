package legacy

deny[msg] {
	input.kind == "ConfigMap"
	not input.metadata.labels.owner
	msg = sprintf("ConfigMap %s has no owner label", [input.metadata.name])
}
