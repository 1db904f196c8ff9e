package badid

# METADATA
# title: an ID that is not kebab-case
# custom:
#   severity: warning
#   id: No_Latest
deny contains "x" if input.kind == "Pod"
