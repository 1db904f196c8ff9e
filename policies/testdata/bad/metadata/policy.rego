# METADATA
# title: severity that does not exist
# custom:
#   id: bad-severity
#   severity: fatal
package badmeta

deny contains "x" if input.kind == "Pod"
