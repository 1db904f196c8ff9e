//go:build !unix

package safefile

// nonBlock: other systems have no FIFOs that block on open.
const nonBlock = 0
