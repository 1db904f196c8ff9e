package main

import rego.v1

test_deployment_must_run_as_non_root if {
	deny["Deployment sample must set runAsNonRoot"] with input as {
		"kind": "Deployment",
		"metadata": {"name": "sample"},
		"spec": {"selector": {"matchLabels": {"app": "sample"}}},
	}
}

test_compliant_deployment if {
	count(deny) == 0 with input as {
		"kind": "Deployment",
		"metadata": {"name": "sample"},
		"spec": {
			"selector": {"matchLabels": {"app": "sample"}},
			"template": {"spec": {"securityContext": {"runAsNonRoot": true}}},
		},
	}
}

test_service_without_team_warns if {
	warn["Service web has no team label"] with input as {"kind": "Service", "metadata": {"name": "web"}}
}
