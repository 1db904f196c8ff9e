package now

deny contains "expired" if {
	time.now_ns() > time.parse_rfc3339_ns(input.metadata.annotations.expires)
}
