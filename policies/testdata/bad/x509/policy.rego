package x509

deny contains "invalid chain" if {
	[valid, _] := crypto.x509.parse_and_verify_certificates(input.data.chain)
	not valid
}
