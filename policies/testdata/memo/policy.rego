package memo

# kvet keeps the results of functions that read no input for the whole run
# (see memo.go). These rules would report the first document's values on
# every document if it kept any other.

# prefixed reads input through prefix: evaluated for each document.
prefix := input.metadata.name

prefixed(x) := y if {
	y := concat("/", [prefix, x])
}

deny contains prefixed("x")

# doubled reads no input: evaluated once per argument in a run.
doubled(x) := y if {
	y := concat("", [x, x])
}

warn contains doubled(input.metadata.name)

# suffixed reads a constant, replaced by `with` for each document: within
# `with`, results are kept for one evaluation only.
suffix := "z"

suffixed(x) := y if {
	y := concat("-", [x, suffix])
}

violation contains msg if {
	msg := suffixed("v") with suffix as input.metadata.name
}
