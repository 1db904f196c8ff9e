# METADATA
# title: b
# custom:
#   id: team-rule
package team.b

deny contains "b" if input.kind == "Pod"
