package kustomize

import (
	"path/filepath"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/types"
	kyamlutils "sigs.k8s.io/kustomize/kyaml/utils"

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
	target     bool          // the entry has a target: (which selects the objects, whatever the patch names)
	json6902   bool          // from patchesJson6902 (always JSON 6902)
	at         analyzer.Path // the list item, for messages about the whole patch
}

// generator is a configMapGenerator or secretGenerator entry: its name
// and the list item.
type generator struct {
	entry
	kind   string // ConfigMap or Secret
	hashed bool   // kustomize appends a hash of the content to the name
}

// generates reports whether g made the object named rendered, through
// the kustomizations of path (g's, then those that include it, in order):
// g's name with their prefixes and suffixes, then, unless disabled, "-"
// and the 10 characters of kustomize's content hash (appended once all of
// them ran).
func (g generator) generates(kind, rendered string, path []*kustomization) bool {
	if kind != g.kind {
		return false
	}
	name := rename(g.value, path)
	if !g.hashed {
		return rendered == name
	}
	hash, ok := strings.CutPrefix(rendered, name+"-")
	return ok && len(hash) == 10 && strings.Trim(hash, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// replacement is one target of a replacements: entry written in the
// kustomization (not in a file it names): the objects it selects and the
// fields it sets in them.
type replacement struct {
	sel     selector
	rejects []selector
	fields  []fieldPath
}

// fieldPath is a field a replacement sets: its path as kustomize splits
// it ("spec.containers.[name=app].image"), and the fieldPaths element
// (the target itself for the default, metadata.name).
type fieldPath struct {
	elems []string
	at    analyzer.Path
}

// selector is a kustomize object selector (a replacement target's select
// or reject): regular expressions, "" for any.
type selector struct {
	group, version, kind, name, namespace string
	// labeled is set when it selects by labelSelector or
	// annotationSelector, which kvet does not evaluate.
	labeled bool
}

// parseSelector reads a selector mapping.
func parseSelector(n *yaml.Node) selector {
	return selector{
		group: fieldScalar(n, "group"), version: fieldScalar(n, "version"), kind: fieldScalar(n, "kind"),
		name: fieldScalar(n, "name"), namespace: fieldScalar(n, "namespace"),
		labeled: fieldScalar(n, "labelSelector") != "" || fieldScalar(n, "annotationSelector") != "",
	}
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
	generators            []generator      // configMapGenerator and secretGenerator entries
	replacements          []replacement    // targets of the inline replacements, in order
	helmCharts            []entry          // helmCharts (and helmChartInflationGenerator) items, by chart name

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
	k.kind = fieldScalar(root, "kind")
	strs := func(name string, into *[]entry) {
		eachItem(root, name, func(at analyzer.Path, n *yaml.Node) {
			if n.Kind == yaml.ScalarNode && n.Value != "" {
				*into = append(*into, entry{value: n.Value, path: at})
			}
		})
	}
	strs("resources", &k.resources)
	strs("bases", &k.resources)
	strs("components", &k.components)
	for _, name := range []string{"crds", "configurations"} {
		strs(name, &k.files)
	}
	for _, name := range []string{"generators", "transformers", "validators"} {
		eachItem(root, name, func(at analyzer.Path, n *yaml.Node) {
			// An entry is a file or directory, or an inline
			// configuration: that one names nothing.
			if n.Kind == yaml.ScalarNode && n.Value != "" && !inlineConfig(n.Value) {
				k.files = append(k.files, entry{value: n.Value, path: at})
			}
		})
	}
	if ok, v := field(root, "openapi"); v != nil {
		if pk, p := field(v, "path"); p != nil && p.Kind == yaml.ScalarNode {
			k.files = append(k.files, entry{value: p.Value, path: analyzer.NewPath(ok.Value, pk.Value)})
		}
	}
	eachItem(root, "replacements", func(at analyzer.Path, n *yaml.Node) {
		if pk, p := field(n, "path"); p != nil && p.Kind == yaml.ScalarNode {
			k.files = append(k.files, entry{value: p.Value, path: at.Key(pk.Value)})
		}
		eachItem(n, "targets", func(tat analyzer.Path, t *yaml.Node) {
			_, sel := field(t, "select")
			if sel == nil {
				return // kustomize refuses it
			}
			tat = slices.Concat(at, tat)
			r := replacement{sel: parseSelector(sel)}
			eachItem(t, "reject", func(_ analyzer.Path, rej *yaml.Node) {
				r.rejects = append(r.rejects, parseSelector(rej))
			})
			eachItem(t, "fieldPaths", func(fat analyzer.Path, fp *yaml.Node) {
				if fp.Kind == yaml.ScalarNode && fp.Value != "" {
					r.fields = append(r.fields, fieldPath{elems: kyamlutils.SmarterPathSplitter(fp.Value, "."), at: slices.Concat(tat, fat)})
				}
			})
			if _, fps := field(t, "fieldPaths"); fps == nil {
				r.fields = []fieldPath{{elems: []string{"metadata", "name"}, at: tat}}
			}
			k.replacements = append(k.replacements, r)
		})
	})
	// kustomize hashes a generated name unless the entry's options or
	// generatorOptions disable it.
	_, opts := field(root, "generatorOptions")
	unhashed := isTrue(fieldScalar(opts, "disableNameSuffixHash"))
	for _, gen := range [][2]string{{"configMapGenerator", "ConfigMap"}, {"secretGenerator", "Secret"}} {
		kind := gen[1]
		eachItem(root, gen[0], func(at analyzer.Path, n *yaml.Node) {
			if _, name := field(n, "name"); name != nil && name.Kind == yaml.ScalarNode {
				_, opts := field(n, "options")
				hashed := !unhashed && !isTrue(fieldScalar(opts, "disableNameSuffixHash"))
				k.generators = append(k.generators, generator{entry: entry{value: name.Value, path: at}, kind: kind, hashed: hashed})
			}
			eachItem(n, "files", func(fat analyzer.Path, s *yaml.Node) {
				if s.Kind == yaml.ScalarNode {
					// "key=path" or "path"
					v := s.Value
					if _, after, ok := strings.Cut(v, "="); ok {
						v = after
					}
					k.files = append(k.files, entry{value: v, path: slices.Concat(at, fat)})
				}
			})
			eachItem(n, "envs", func(eat analyzer.Path, s *yaml.Node) {
				if s.Kind == yaml.ScalarNode {
					k.files = append(k.files, entry{value: s.Value, path: slices.Concat(at, eat)})
				}
			})
			if ek, env := field(n, "env"); env != nil && env.Kind == yaml.ScalarNode && env.Value != "" {
				k.files = append(k.files, entry{value: env.Value, path: at.Key(ek.Value)})
			}
		})
	}
	for _, name := range []string{"patches", "patchesJson6902"} {
		eachItem(root, name, func(at analyzer.Path, n *yaml.Node) {
			p := patchRef{json6902: name == "patchesJson6902", at: at}
			if n.Kind != yaml.MappingNode {
				return
			}
			if _, t := field(n, "target"); t != nil {
				p.target = true
				p.targetKind = fieldScalar(t, "kind")
				p.targetName = fieldScalar(t, "name")
			}
			if pk, path := field(n, "path"); path != nil && path.Kind == yaml.ScalarNode {
				p.entry = entry{value: path.Value, path: at.Key(pk.Value)}
			} else if pk, inline := field(n, "patch"); inline != nil && inline.Kind == yaml.ScalarNode {
				p.entry = entry{path: at.Key(pk.Value)}
				p.inline = inline
			} else {
				return
			}
			k.patches = append(k.patches, p)
		})
	}
	eachItem(root, "patchesStrategicMerge", func(at analyzer.Path, n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			return
		}
		p := patchRef{entry: entry{value: n.Value, path: at}, at: at}
		// An entry is a file name, or an inline patch when it holds a
		// line break (kustomize tries to parse it as YAML).
		if strings.Contains(n.Value, "\n") {
			p.value = ""
			p.inline = n
		}
		k.patches = append(k.patches, p)
	})
	for _, name := range []string{"helmCharts", "helmChartInflationGenerator"} {
		eachItem(root, name, func(at analyzer.Path, n *yaml.Node) {
			k.helmCharts = append(k.helmCharts, entry{value: fieldScalar(n, "name"), path: at})
		})
	}
	for _, name := range []string{"images", "imageTags"} {
		eachItem(root, name, func(at analyzer.Path, n *yaml.Node) {
			im := image{at: at}
			im.name = fieldScalar(n, "name")
			im.newName = fieldScalar(n, "newName")
			im.newTag = fieldScalar(n, "newTag")
			im.digest = fieldScalar(n, "digest")
			k.images = append(k.images, im)
		})
	}
	single := func(name string) *entry {
		if key, v := field(root, name); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
			return &entry{value: v.Value, path: analyzer.NewPath(key.Value)}
		}
		return nil
	}
	k.namespace, k.namePrefix, k.nameSuffix = single("namespace"), single("namePrefix"), single("nameSuffix")
	eachItem(root, "replicas", func(at analyzer.Path, n *yaml.Node) {
		if name := fieldScalar(n, "name"); name != "" {
			if k.replicas == nil {
				k.replicas = map[string]entry{}
			}
			ck, count := field(n, "count")
			e := entry{path: at.Key("count")}
			if count != nil {
				e = entry{value: count.Value, path: at.Key(ck.Value)}
			}
			k.replicas[name] = e
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
	if key, cl := field(root, "commonLabels"); cl != nil {
		pairs(cl, analyzer.NewPath(key.Value), &k.labels)
	}
	eachItem(root, "labels", func(at analyzer.Path, n *yaml.Node) {
		if key, p := field(n, "pairs"); p != nil {
			pairs(p, at.Key(key.Value), &k.labels)
		}
	})
	if key, ca := field(root, "commonAnnotations"); ca != nil {
		pairs(ca, analyzer.NewPath(key.Value), &k.annotations)
	}
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

// field returns the key and value nodes of the kustomization field name
// in mapping m (the value's aliases followed), or nils. kustomize decodes
// a kustomization with encoding/json, which matches field names without
// regard to case ("Resources" is resources): of the keys that match, the
// last one written is the one it keeps.
func field(m *yaml.Node, name string) (k, v *yaml.Node) {
	for m != nil && m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := len(m.Content)&^1 - 2; i >= 0; i -= 2 {
		if m.Content[i].Kind == yaml.ScalarNode && strings.EqualFold(m.Content[i].Value, name) {
			k, v = m.Content[i], m.Content[i+1]
			for v != nil && v.Kind == yaml.AliasNode {
				v = v.Alias
			}
			return k, v
		}
	}
	return get(m, name) // through merge keys
}

// fieldScalar returns the string value of the kustomization field name in
// mapping m (see field), or "".
func fieldScalar(m *yaml.Node, name string) string {
	if _, v := field(m, name); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// isTrue reports whether a scalar is a YAML true (1.1 spellings too, as
// kustomize decodes a kustomization).
func isTrue(v string) bool {
	return slices.Contains([]string{"true", "yes", "on", "y"}, strings.ToLower(v))
}

// eachItem calls fn for each item of the sequence in the kustomization
// field name of mapping m (see field), with the item's path in m.
func eachItem(m *yaml.Node, name string, fn func(at analyzer.Path, n *yaml.Node)) {
	key, v := field(m, name)
	if v == nil || v.Kind != yaml.SequenceNode {
		return
	}
	for i, n := range v.Content {
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		fn(analyzer.NewPath(key.Value, i), n)
	}
}

// inlineConfig reports whether an entry of generators, transformers or
// validators is an inline configuration rather than a path: kustomize
// takes it as one when it parses as objects (a mapping).
func inlineConfig(value string) bool {
	var n yaml.Node
	return yaml.Unmarshal([]byte(value), &n) == nil && len(n.Content) > 0 && n.Content[0].Kind == yaml.MappingNode
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

// remoteEntry returns the first entry of the kustomization text data that
// names remote content, read with kustomize's own decoder, or "". It is
// the build's last guard (see fileSystem.ReadFile): whatever kvet's own
// reading of the file misses, kustomize never clones or downloads it.
func remoteEntry(data []byte) string {
	var kt types.Kustomization
	if err := kt.Unmarshal(data); err != nil {
		return ""
	}
	kt.FixKustomization()
	values := slices.Concat(kt.Resources, kt.Components, kt.Crds, kt.Configurations)
	for _, v := range slices.Concat(kt.Generators, kt.Transformers, kt.Validators) {
		if !inlineConfig(v) {
			values = append(values, v)
		}
	}
	for _, p := range slices.Concat(kt.Patches, kt.PatchesJson6902) { //nolint:staticcheck // kustomize still reads the deprecated fields
		values = append(values, p.Path)
	}
	for _, p := range kt.PatchesStrategicMerge { //nolint:staticcheck // kustomize still reads the deprecated fields
		values = append(values, string(p))
	}
	for _, r := range kt.Replacements {
		values = append(values, r.Path)
	}
	for _, g := range kt.ConfigMapGenerator {
		values = slices.Concat(values, g.FileSources, g.EnvSources)
	}
	for _, g := range kt.SecretGenerator {
		values = slices.Concat(values, g.FileSources, g.EnvSources)
	}
	values = append(values, kt.OpenAPI["path"])
	for _, v := range values {
		if !strings.Contains(v, "\n") && isRemote(v) {
			return v
		}
	}
	return ""
}
