# METADATA
# title: a parameter default of the wrong type
# custom:
#   id: bad-param
#   parameters:
#   - name: registries
#     doc: allowed registries
#     default: [registry.example.com]
#   - name: limits
#     doc: per-kind limits
#     default: {Job: 3}
package badparam

deny contains "x" if input.kind == "Pod"
