package main

deny contains "no jobs" if input.kind == "Job"

deny_run_as_root contains "run as root" if input.kind == "Job"
