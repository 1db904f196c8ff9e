package acme.images

test_approved_registry if {
	count(deny) == 0 with input as {"kind": "Job", "spec": {"template": {"spec": {"containers": [
		{"name": "a", "image": "registry.acme.example/a:1", "resources": {}},
	]}}}}
}

test_public_image_points_at_it if {
	some r in deny with input as {"kind": "Job", "spec": {"template": {"spec": {"containers": [
		{"name": "a", "image": "nginx:1.27", "resources": {}},
	]}}}}
	r.path == ["spec", "template", "spec", "containers", 0, "image"]
}
