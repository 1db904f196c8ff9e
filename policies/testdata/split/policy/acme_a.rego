# METADATA
# title: no ETL jobs
# custom:
#   id: acme-no-etl
#   severity: warning
package acme

deny contains "named etl" if input.metadata.name == "etl"
