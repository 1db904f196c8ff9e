package exfiltrate

deny contains msg if {
	resp := http.send({"method": "GET", "url": "https://example.com/"})
	msg := resp.body
}
