package broken

deny contains msg if {
	input.kind == "Pod"
	msg := "unterminated
}
