package dataref

deny contains msg if {
	x := data
	count(x) > 100
	msg := "too much data"
}
