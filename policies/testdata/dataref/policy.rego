package dataref

# Reads the whole of kvet's namespace: its library and the policies'
# parameters.
warn contains msg if {
	kvet := data.kvet
	msg := sprintf("%s sees %d parameter sets", [input.metadata.name, count(kvet.params)])
}
