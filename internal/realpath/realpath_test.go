package realpath_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/internal/realpath"
)

// tree makes real/k8s, real/sub, elsewhere, link → real and real/out →
// elsewhere in a temporary directory, and returns the directory with its
// own links resolved.
func tree(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"real/k8s", "real/sub", "elsewhere"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "real", "out")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRel(t *testing.T) {
	dir := tree(t)
	j := func(p ...string) string { return filepath.Join(append([]string{dir}, p...)...) }
	for _, tt := range []struct {
		base, target, want string
		under              bool
	}{
		{j("real"), j("real", "k8s", "x.yaml"), filepath.Join("k8s", "x.yaml"), true},
		// Either named through the link.
		{j("real"), j("link", "k8s", "x.yaml"), filepath.Join("k8s", "x.yaml"), true},
		{j("link"), j("real", "k8s", "x.yaml"), filepath.Join("k8s", "x.yaml"), true},
		{j("link"), j("link", "k8s", "x.yaml"), filepath.Join("k8s", "x.yaml"), true},
		{j("real"), j("real"), ".", true},
		// Under base as spelled: kept so, though the link leads out.
		{j("real"), j("real", "out", "x.yaml"), filepath.Join("out", "x.yaml"), true},
		// Out of base, through the links.
		{j("link", "sub"), j("real", "k8s", "x.yaml"), filepath.Join("..", "k8s", "x.yaml"), false},
		{j("real"), j("elsewhere", "x.yaml"), filepath.Join("..", "elsewhere", "x.yaml"), false},
	} {
		var r realpath.Resolver
		got, err := r.Rel(tt.base, tt.target)
		if err != nil || got != tt.want {
			t.Errorf("Rel(%s, %s) = %q, %v; want %q", tt.base, tt.target, got, err, tt.want)
		}
		if rel, ok := r.Under(tt.base, tt.target); ok != tt.under || ok && rel != tt.want {
			t.Errorf("Under(%s, %s) = %q, %v; want %v", tt.base, tt.target, rel, ok, tt.under)
		}
	}
}

// TestRelativeInLinkedDirectory checks relative paths in a working
// directory reached through a link.
func TestRelativeInLinkedDirectory(t *testing.T) {
	dir := tree(t)
	t.Chdir(filepath.Join(dir, "link"))
	r := new(realpath.Resolver)
	if rel, ok := r.Under(filepath.Join(dir, "real"), filepath.Join("k8s", "x.yaml")); !ok || rel != filepath.Join("k8s", "x.yaml") {
		t.Errorf("Under = %q, %v", rel, ok)
	}
	if got, want := r.Dir("k8s"), filepath.Join(dir, "real", "k8s"); got != want {
		t.Errorf("Dir(k8s) = %q, want %q", got, want)
	}
}

func TestDirAndPath(t *testing.T) {
	dir := tree(t)
	var r *realpath.Resolver // nil: nothing remembered
	if got, want := r.Dir(filepath.Join(dir, "link", "k8s")), filepath.Join(dir, "real", "k8s"); got != want {
		t.Errorf("Dir = %q, want %q", got, want)
	}
	// A directory that does not exist is its absolute path.
	if got, want := r.Dir(filepath.Join(dir, "link", "gone", "..", "none")), filepath.Join(dir, "link", "none"); got != want {
		t.Errorf("Dir = %q, want %q", got, want)
	}
	// A link to a file is not followed.
	if err := os.Symlink(filepath.Join(dir, "elsewhere", "x.yaml"), filepath.Join(dir, "real", "k8s", "l.yaml")); err != nil {
		t.Fatal(err)
	}
	if got, want := r.Path(filepath.Join(dir, "link", "k8s", "l.yaml")), filepath.Join(dir, "real", "k8s", "l.yaml"); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
}

// TestDirRemembers checks that a Resolver resolves each directory once:
// a link changed after it is not seen.
func TestDirRemembers(t *testing.T) {
	dir := tree(t)
	link := filepath.Join(dir, "link")
	r := new(realpath.Resolver)
	if got := r.Dir(link); got != filepath.Join(dir, "real") {
		t.Fatalf("Dir = %q", got)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err != nil {
		t.Fatal(err)
	}
	if got := r.Dir(link); got != filepath.Join(dir, "real") {
		t.Errorf("Dir again = %q, want the first answer", got)
	}
	if got := new(realpath.Resolver).Dir(link); got != filepath.Join(dir, "elsewhere") {
		t.Errorf("a new Resolver: Dir = %q", got)
	}
}
