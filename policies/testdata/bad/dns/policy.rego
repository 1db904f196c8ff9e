package dns

deny contains msg if {
	addrs := net.lookup_ip_addr(input.metadata.name)
	msg := sprintf("%v", [addrs])
}
