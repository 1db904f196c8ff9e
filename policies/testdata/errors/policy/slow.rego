package slow

import rego.v1

# Nine million iterations per document: far beyond any time limit a test
# sets.
deny contains "never reached" if {
	input.kind == "ConfigMap"
	count([1 | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000); i * j < 0]) > 0
}
