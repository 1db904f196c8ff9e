package main

deny contains "etl is banned" if input.metadata.name == "etl"
