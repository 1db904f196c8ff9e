# METADATA
# title: a
# custom:
#   id: team-rule
package team.a

deny contains "a" if input.kind == "Pod"
