package kvet.mine

deny contains "x" if input.kind == "Pod"
