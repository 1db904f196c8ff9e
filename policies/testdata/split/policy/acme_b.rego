package acme

deny contains "is a job" if input.kind == "Job"
