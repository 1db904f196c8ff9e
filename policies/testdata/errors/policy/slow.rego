package slow

import rego.v1

# Nine million iterations on the ConfigMap named "first": far beyond any
# time limit a test sets. On the others, a finding at once.
deny contains "never reached" if {
	input.metadata.name == "first"
	count([1 | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000); i * j < 0]) > 0
}

deny contains sprintf("slow policy saw %s", [input.metadata.name]) if {
	input.metadata.name != "first"
}
