# METADATA
# title: t
# related_resources:
# - ref: docs/policies.md
# - ref: https://acme.example/policies#both
# - ref: https://acme.example/more
# custom:
#   id: acme-both
#   severity: error
#   kinds: [Pod]
package acme.both

deny contains {"msg": "m", "path": ["metadata", "name"]} if { input.kind == "Pod" }
