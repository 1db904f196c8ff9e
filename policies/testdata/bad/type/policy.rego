package typed

import rego.v1

deny contains msg if {
	input.kind == "Pod"
	msg := concat(1, input.metadata.name)
}
