package conflict

# METADATA
# custom:
#   id: no-etl
#   severity: info
deny contains "etl" if input.metadata.name == "etl"

# METADATA
# custom:
#   id: no-jobs
#   severity: warning
deny contains "job" if input.kind == "Job"
