package slowc

# Nine million iterations on every document: far beyond any time limit a
# test sets.
deny contains "never reached" if {
	count([1 | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000); i * j < 0]) > 0
}
