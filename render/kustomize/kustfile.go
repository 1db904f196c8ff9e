package kustomize

import (
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
)

// FileNames are the names kustomize recognizes for a kustomization, in
// its order.
func FileNames() []string {
	return []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}
}

// entry is a string value of a kustomization with its path in the file.
type entry struct {
	value string
	path  analyzer.Path
}

// patchRef is one patch of a kustomization: a file (path) or inline text
// (patch), with its target selector.
type patchRef struct {
	entry                    // the path: entry, or the inline patch: entry
	inline     *yaml.Node    // the inline patch scalar, or nil
	targetKind string        // target.kind, or ""
	targetName string        // target.name (a regular expression), or ""
	json6902   bool          // from patchesJson6902 (always JSON 6902)
	at         analyzer.Path // the list item, for messages about the whole patch
}

// image is an images: entry.
type image struct {
	at                            analyzer.Path
	name, newName, newTag, digest string
}

// kustomization is a kustomization file as kvet reads it: the entries that
// name files and directories, and those of the transformers whose values
// it maps findings to, each with its position.
type kustomization struct {
	doc *analyzer.Document // nil when the file does not parse
	dir string             // the directory, as displayed (slash-separated)
	abs string             // its absolute path

	kind string // "Kustomization" (or "") or "Component"

	resources  []entry // resources and bases, in kustomize's order
	components []entry
	// files are the other entries that name files kustomize reads
	// (crds, configurations, generators, transformers, validators,
	// openapi.path, replacements, generator sources) with the field name.
	files   []entry
	patches []patchRef

	images                []image
	namespace, namePrefix *entry
	nameSuffix            *entry
	replicas              map[string]entry // name → count entry
	labels                map[string]entry // label key → value entry
	annotations           map[string]entry // commonAnnotations key → value entry
	generators            []entry          // configMapGenerator and secretGenerator names

	// Filled while visiting: the kustomizations it includes (resources and
	// bases that are directories), its components, and the absolute paths
	// of the resource files it lists.
	children []*kustomization
	comps    []*kustomization
	lists    map[string]bool
}

// parseKustomization reads the kustomization of the directory dir from
// docs, the documents of its file (see render.Env.Documents, which parses
// each file once per run).
func parseKustomization(docs []*analyzer.Document, dir, abs string) *kustomization {
	k := &kustomization{dir: dir, abs: abs}
	if len(docs) == 0 {
		return k
	}
	k.doc = docs[0]
	root := k.doc.Root()
	if root.Kind != yaml.MappingNode {
		return k
	}
	k.kind = scalar(root, "kind")
	strs := func(key string, into *[]entry) {
		_, v := get(root, key)
		if v == nil || v.Kind != yaml.SequenceNode {
			return
		}
		for i, n := range v.Content {
			if n.Kind == yaml.ScalarNode && n.Value != "" {
				*into = append(*into, entry{value: n.Value, path: analyzer.NewPath(key, i)})
			}
		}
	}
	strs("resources", &k.resources)
	strs("bases", &k.resources)
	strs("components", &k.components)
	for _, key := range []string{"crds", "configurations", "generators", "transformers", "validators"} {
		strs(key, &k.files)
	}
	if _, v := get(root, "openapi"); v != nil {
		if _, p := get(v, "path"); p != nil && p.Kind == yaml.ScalarNode {
			k.files = append(k.files, entry{value: p.Value, path: analyzer.NewPath("openapi", "path")})
		}
	}
	eachItem(root, "replacements", func(i int, n *yaml.Node) {
		if _, p := get(n, "path"); p != nil && p.Kind == yaml.ScalarNode {
			k.files = append(k.files, entry{value: p.Value, path: analyzer.NewPath("replacements", i, "path")})
		}
	})
	for _, gen := range []string{"configMapGenerator", "secretGenerator"} {
		eachItem(root, gen, func(i int, n *yaml.Node) {
			if _, name := get(n, "name"); name != nil && name.Kind == yaml.ScalarNode {
				k.generators = append(k.generators, entry{value: name.Value, path: analyzer.NewPath(gen, i)})
			}
			if _, files := get(n, "files"); files != nil && files.Kind == yaml.SequenceNode {
				for j, s := range files.Content {
					if s.Kind == yaml.ScalarNode {
						// "key=path" or "path"
						v := s.Value
						if _, after, ok := strings.Cut(v, "="); ok {
							v = after
						}
						k.files = append(k.files, entry{value: v, path: analyzer.NewPath(gen, i, "files", j)})
					}
				}
			}
			if _, envs := get(n, "envs"); envs != nil && envs.Kind == yaml.SequenceNode {
				for j, s := range envs.Content {
					if s.Kind == yaml.ScalarNode {
						k.files = append(k.files, entry{value: s.Value, path: analyzer.NewPath(gen, i, "envs", j)})
					}
				}
			}
			if _, env := get(n, "env"); env != nil && env.Kind == yaml.ScalarNode && env.Value != "" {
				k.files = append(k.files, entry{value: env.Value, path: analyzer.NewPath(gen, i, "env")})
			}
		})
	}
	for _, key := range []string{"patches", "patchesJson6902"} {
		eachItem(root, key, func(i int, n *yaml.Node) {
			p := patchRef{json6902: key == "patchesJson6902", at: analyzer.NewPath(key, i)}
			if n.Kind != yaml.MappingNode {
				return
			}
			if _, t := get(n, "target"); t != nil {
				_, tk := get(t, "kind")
				_, tn := get(t, "name")
				if tk != nil {
					p.targetKind = tk.Value
				}
				if tn != nil {
					p.targetName = tn.Value
				}
			}
			if _, path := get(n, "path"); path != nil && path.Kind == yaml.ScalarNode {
				p.entry = entry{value: path.Value, path: analyzer.NewPath(key, i, "path")}
			} else if _, inline := get(n, "patch"); inline != nil && inline.Kind == yaml.ScalarNode {
				p.entry = entry{path: analyzer.NewPath(key, i, "patch")}
				p.inline = inline
			} else {
				return
			}
			k.patches = append(k.patches, p)
		})
	}
	eachItem(root, "patchesStrategicMerge", func(i int, n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			return
		}
		p := patchRef{entry: entry{value: n.Value, path: analyzer.NewPath("patchesStrategicMerge", i)}, at: analyzer.NewPath("patchesStrategicMerge", i)}
		// An entry is a file name, or an inline patch when it holds a
		// line break (kustomize tries to parse it as YAML).
		if strings.Contains(n.Value, "\n") {
			p.value = ""
			p.inline = n
		}
		k.patches = append(k.patches, p)
	})
	for _, key := range []string{"images", "imageTags"} {
		eachItem(root, key, func(i int, n *yaml.Node) {
			im := image{at: analyzer.NewPath(key, i)}
			im.name = scalar(n, "name")
			im.newName = scalar(n, "newName")
			im.newTag = scalar(n, "newTag")
			im.digest = scalar(n, "digest")
			k.images = append(k.images, im)
		})
	}
	single := func(key string) *entry {
		if _, v := get(root, key); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
			return &entry{value: v.Value, path: analyzer.NewPath(key)}
		}
		return nil
	}
	k.namespace, k.namePrefix, k.nameSuffix = single("namespace"), single("namePrefix"), single("nameSuffix")
	eachItem(root, "replicas", func(i int, n *yaml.Node) {
		if name := scalar(n, "name"); name != "" {
			if k.replicas == nil {
				k.replicas = map[string]entry{}
			}
			k.replicas[name] = entry{value: scalar(n, "count"), path: analyzer.NewPath("replicas", i, "count")}
		}
	})
	pairs := func(m *yaml.Node, at analyzer.Path, into *map[string]entry) {
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		for j := 0; j+1 < len(m.Content); j += 2 {
			key, v := m.Content[j], m.Content[j+1]
			if *into == nil {
				*into = map[string]entry{}
			}
			(*into)[key.Value] = entry{value: v.Value, path: at.Key(key.Value)}
		}
	}
	_, cl := get(root, "commonLabels")
	pairs(cl, analyzer.NewPath("commonLabels"), &k.labels)
	eachItem(root, "labels", func(i int, n *yaml.Node) {
		_, p := get(n, "pairs")
		pairs(p, analyzer.NewPath("labels", i, "pairs"), &k.labels)
	})
	_, ca := get(root, "commonAnnotations")
	pairs(ca, analyzer.NewPath("commonAnnotations"), &k.annotations)
	return k
}

// paths returns every entry that names a file or directory, in the order
// kustomize reads them.
func (k *kustomization) paths() []entry {
	var out []entry
	out = append(out, k.resources...)
	out = append(out, k.components...)
	for _, p := range k.patches {
		if p.inline == nil && p.value != "" {
			out = append(out, p.entry)
		}
	}
	return append(out, k.files...)
}

// local returns the path that the entry value names, relative to the
// kustomization's directory, as displayed and absolute.
func (k *kustomization) local(value string) (display, abs string) {
	display = filepath.ToSlash(filepath.Join(filepath.FromSlash(k.dir), filepath.FromSlash(value)))
	return display, filepath.Join(k.abs, filepath.FromSlash(value))
}

// get returns the key and value nodes of key in mapping m (the value's
// aliases followed), or nils. Of a key written twice it is the last copy,
// the one kustomize reads, and the one entry paths resolve to.
func get(m *yaml.Node, key string) (k, v *yaml.Node) {
	k, v = analyzer.LookupKey(m, key)
	for v != nil && v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	return k, v
}

// scalar returns the string value of key in mapping m, or "".
func scalar(m *yaml.Node, key string) string {
	if _, v := get(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// eachItem calls fn for each item of the sequence at key in mapping m.
func eachItem(m *yaml.Node, key string, fn func(i int, n *yaml.Node)) {
	_, v := get(m, key)
	if v == nil || v.Kind != yaml.SequenceNode {
		return
	}
	for i, n := range v.Content {
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		fn(i, n)
	}
}

// isRemote reports whether a kustomization entry names something kustomize
// would fetch (an http(s) URL, a git repository in any of the forms
// kustomize accepts) rather than read from the file system.
func isRemote(value string) bool {
	v := strings.ToLower(value)
	switch {
	case strings.Contains(v, "://"),
		strings.HasPrefix(v, "git::"),
		strings.HasPrefix(v, "gh:"),
		strings.HasPrefix(v, "github.com/"), strings.HasPrefix(v, "github.com:"),
		strings.HasPrefix(v, "gitlab.com/"), strings.HasPrefix(v, "bitbucket.org/"),
		strings.Contains(v, "?ref="), strings.Contains(v, "&ref="), strings.Contains(v, "?version="),
		strings.Contains(v, "_git/"), strings.Contains(v, ".git/") || strings.HasSuffix(v, ".git"):
		return true
	}
	// scp-like git URLs: user@host:path
	if at := strings.Index(v, "@"); at > 0 && !strings.Contains(v[:at], "/") {
		if colon := strings.Index(v[at:], ":"); colon > 0 {
			return true
		}
	}
	return false
}
