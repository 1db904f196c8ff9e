package fast

import rego.v1

warn contains msg if {
	input.kind == "ConfigMap"
	msg := sprintf("saw %s", [input.metadata.name])
}
