package acme

f(x) := "a" if x == 1

f(x) := "b" if x == 1

deny contains msg if {
	msg := sprintf("f=%v", [f(1)])
}
