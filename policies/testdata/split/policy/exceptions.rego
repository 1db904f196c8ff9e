package main

exception contains rules if {
	input.metadata.name == "etl"
	rules := ["run_as_root"]
}
