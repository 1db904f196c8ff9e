package safefile

import (
	"os"
	"path/filepath"
	"strings"
)

// WalkRoot returns the root to give filepath.WalkDir for a directory
// named by the user: dir itself, or, when dir is a symbolic link to a
// directory, dir with a trailing separator, which makes WalkDir follow
// the link (it does not follow a link at its root, and would report the
// link alone). Links found inside the walk are still not followed.
func WalkRoot(dir string) string {
	if strings.HasSuffix(dir, string(filepath.Separator)) || strings.HasSuffix(dir, "/") {
		return dir
	}
	if info, err := os.Lstat(dir); err == nil && info.Mode()&os.ModeSymlink != 0 {
		return dir + string(filepath.Separator)
	}
	return dir
}
