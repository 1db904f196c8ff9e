// Package realpath compares file paths as the file system does: kvet reads
// a file named through two paths (a symbolic link and its target, a
// working directory reached through a link) once, so whatever it keys by
// path (baseline entries, machine-format paths and fingerprints, exclude
// globs, the folder of a manifest without namespace) must give both names
// the same answer.
package realpath

import (
	"os"
	"path/filepath"
	"sync"
)

// Resolver resolves the symbolic links of directories, each once: a run
// names the files of one directory over and over. The zero value and nil
// are ready to use (nil remembers nothing). A Resolver is safe for
// concurrent use; make one per run, since links may change between runs.
type Resolver struct {
	mu   sync.Mutex
	wd   string
	dirs map[string]string
}

// Abs returns path made absolute against the working directory (read once)
// and cleaned; path itself when the working directory is unknown.
func (r *Resolver) Abs(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	var wd string
	if r == nil {
		wd, _ = os.Getwd()
	} else {
		r.mu.Lock()
		if r.wd == "" {
			r.wd, _ = os.Getwd()
		}
		wd = r.wd
		r.mu.Unlock()
	}
	if wd == "" {
		return filepath.Clean(path)
	}
	return filepath.Join(wd, path)
}

// Dir returns the directory dir, absolute and with its symbolic links
// resolved (filepath.EvalSymlinks); its absolute path when it cannot be
// resolved (it does not exist).
func (r *Resolver) Dir(dir string) string {
	if r == nil {
		return resolve(r.Abs(dir))
	}
	r.mu.Lock()
	resolved, ok := r.dirs[dir]
	r.mu.Unlock()
	if ok {
		return resolved
	}
	resolved = resolve(r.Abs(dir))
	r.mu.Lock()
	if r.dirs == nil {
		r.dirs = map[string]string{}
	}
	r.dirs[dir] = resolved
	r.mu.Unlock()
	return resolved
}

// resolve returns the absolute path abs with its links resolved, or abs.
func resolve(abs string) string {
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		return resolved
	}
	return abs
}

// Path returns the file at path, absolute, in its directory with links
// resolved (Dir). The file itself is not followed: a link to a file is
// the file of the link's name, as the user keeps it in the repository.
func (r *Resolver) Path(path string) string {
	return filepath.Join(r.Dir(filepath.Dir(path)), filepath.Base(path))
}

// Rel returns target relative to the directory base (OS separators): as
// spelled when target is under base so (both made absolute), else through
// the links of both (Dir of base, Path of target), which may climb out
// of base (filepath.IsLocal tells). It fails only where filepath.Rel does
// (another volume).
func (r *Resolver) Rel(base, target string) (string, error) {
	base, target = r.Abs(base), r.Abs(target)
	if rel, err := filepath.Rel(base, target); err == nil && filepath.IsLocal(rel) {
		return rel, nil
	}
	return filepath.Rel(r.Dir(base), r.Path(target))
}

// Under returns target relative to the directory base (see Rel) when it is
// under it, through links or as spelled.
func (r *Resolver) Under(base, target string) (string, bool) {
	rel, err := r.Rel(base, target)
	return rel, err == nil && filepath.IsLocal(rel)
}
