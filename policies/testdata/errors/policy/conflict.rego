package conflict

import rego.v1

# Two values for one complete rule: an evaluation error on every ConfigMap
# that has both labels.
owner := "a" if input.metadata.labels.a
owner := "b" if input.metadata.labels.b

deny contains msg if {
	msg := sprintf("owner %s", [owner])
}
