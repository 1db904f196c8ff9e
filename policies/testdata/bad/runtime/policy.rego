package env

deny contains msg if {
	token := opa.runtime().env.GITHUB_TOKEN
	msg := token
}
