# METADATA
# title: t
# related_resources:
# - ref: docs/policies.md
# custom:
#   id: acme-rel
#   severity: error
#   kinds: [Pod]
package acme.rel

deny contains {"msg": "m", "path": ["metadata", "name"]} if { input.kind == "Pod" }
