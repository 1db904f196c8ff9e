//go:build unix

package safefile

import (
	"io/fs"
	"syscall"
)

// links returns the number of hard links of the file at path, which info
// describes (os.Stat).
func links(_ string, info fs.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink) //nolint:unconvert // not uint64 on every system
	}
	return 1
}
