package kustomize

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
)

// object is the source map of one rendered resource: the source document
// it was read from (or the generator that made it), and the
// kustomizations whose transformers ran on it, in order.
type object struct {
	b *build
	// src is the document of the resource file, nil for a generated
	// object.
	src *analyzer.Document
	// generated is the kustomization of a generated object, generator the
	// path of its generator entry there.
	generated *kustomization
	generator analyzer.Path
	chain     []*kustomization
	// name is the object's name in its source document or generator entry
	// ("" when unknown).
	name string
}

// Source implements analyzer.SourceMap. The field at p, or its deepest
// existing ancestor in the rendered object, is attributed to the first of:
//   - for a mapping or list, the resource's own document when it has it
//     there;
//   - the fieldPaths element of the last replacement (a replacements:
//     target) that sets the field, or the last patch (strategic merge or
//     JSON 6902) that sets that value, even when the resource's document
//     holds the same one (the replacement or patch decides: editing the
//     document would change nothing), or, for a value the resource's
//     document does not hold, the kustomization entry of the transformer
//     that sets it (images, namespace, namePrefix/nameSuffix, replicas,
//     labels, annotations);
//   - the resource's document, exact when the value there is the rendered
//     one; when it holds another value (set by something kvet does not
//     follow, such as a name reference, or a replacement read from a file
//     or selecting by label), the position is right, the fix would not be
//     exact;
//
// else its parent is tried, up to the object's start.
func (o *object) Source(d *analyzer.Document, p analyzer.Path, _ bool) analyzer.Source {
	nodes := walkNodes(d.Root(), p)
	for depth := len(nodes) - 1; depth >= 0; depth-- {
		if s, ok := o.attribute(nodes[:depth+1], p[:depth], d); ok {
			s.Ancestor = s.Ancestor || depth < len(p)
			return s
		}
	}
	return o.start()
}

// start is where the whole object comes from: its document's start, its
// generator entry, or the root kustomization.
func (o *object) start() analyzer.Source {
	switch {
	case o.src != nil:
		return analyzer.Source{Doc: o.src, Ancestor: true}
	case o.generated != nil && o.generated.doc != nil:
		return analyzer.Source{Doc: o.generated.doc, Path: o.generator, Ancestor: true}
	}
	return analyzer.Source{Doc: o.b.root.doc, Ancestor: true}
}

// attribute finds the source of the rendered node at q (nodes are the
// rendered nodes along q, the last one at q).
func (o *object) attribute(nodes []*yaml.Node, q analyzer.Path, d *analyzer.Document) (analyzer.Source, bool) {
	rn := nodes[len(nodes)-1]
	isScalar := rn.Kind == yaml.ScalarNode
	var srcPath analyzer.Path
	var srcNode *yaml.Node
	if o.src != nil {
		srcPath, srcNode = mapPath(nodes, q, o.src.Root())
		if srcNode != nil && !isScalar {
			return analyzer.Source{Doc: o.src, Path: srcPath, Exact: true}, true
		}
	} else if len(q) == 0 {
		return o.start(), true
	}
	same := srcNode != nil && sameScalar(srcNode, rn)
	for i := len(o.chain) - 1; i >= 0; i-- {
		k := o.chain[i]
		// Replacements run last, after k's prefix and suffix.
		if s, ok := replaced(k, d, nodes, q, o.names(i+1, d.Name)); ok {
			return s, true
		}
		names := o.names(i, d.Name)
		if isScalar && !same {
			if s, ok := o.transformed(k, nodes, q, names, srcNode); ok {
				return s, true
			}
		}
		for j := len(k.patches) - 1; j >= 0; j-- {
			if s, ok := o.patched(k, k.patches[j], nodes, q, d.Kind, names); ok {
				return s, true
			}
		}
	}
	if srcNode != nil {
		return analyzer.Source{Doc: o.src, Path: srcPath, Exact: same}, true
	}
	return analyzer.Source{}, false
}

// names returns the names the object may have had when the kustomization
// at index i of its chain ran (i+1: once its prefix and suffix had), for matching its patches and transformers as
// kustomize selects objects (by their original name or their current
// one): the source's name, that name with the prefixes and suffixes of the
// kustomizations before i, and the rendered name.
func (o *object) names(i int, rendered string) []string {
	if o.name == "" {
		return []string{rendered}
	}
	var out []string
	for j := range i + 1 {
		out = append(out, rename(o.name, o.chain[:j]))
	}
	return append(out, rendered)
}

// rename returns name with the prefixes and suffixes of the
// kustomizations ks applied, in order.
func rename(name string, ks []*kustomization) string {
	for _, k := range ks {
		if k.namePrefix != nil {
			name = k.namePrefix.value + name
		}
		if k.nameSuffix != nil {
			name += k.nameSuffix.value
		}
	}
	return name
}

// selects reports whether a kustomize selector field (a regular
// expression matched against the whole value, as kustomize anchors it)
// matches one of values.
func selects(pattern string, values ...string) bool {
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	return err == nil && slices.ContainsFunc(values, re.MatchString)
}

// patched returns the source of q in patch p of k when p sets it to the
// rendered value (or, for a mapping or list, has it). kind is the
// object's, names those it may have had when k ran (see object.names).
func (o *object) patched(k *kustomization, p patchRef, nodes []*yaml.Node, q analyzer.Path, kind string, names []string) (analyzer.Source, bool) {
	if p.targetKind != "" && !selects(p.targetKind, kind) {
		return analyzer.Source{}, false
	}
	if p.targetName != "" && !selects(p.targetName, names...) {
		return analyzer.Source{}, false
	}
	rn := nodes[len(nodes)-1]
	docs, positioned := o.b.patchDocs(k, p)
	for _, pd := range docs {
		var s analyzer.Source
		var ok bool
		root := pd.Root()
		switch {
		case root.Kind == yaml.SequenceNode:
			s, ok = jsonPatched(pd, nodes, q)
		case p.json6902 || root.Kind != yaml.MappingNode:
		case !p.target && (pd.Kind != "" && pd.Kind != kind || pd.Name != "" && !slices.Contains(names, pd.Name)):
			// Without a target, a strategic-merge patch applies to the
			// object it names; with one, to every object the target
			// selects, whatever it names (kustomize keeps the object's
			// name).
		default:
			sp, sn := mapPath(nodes, q, root)
			if sn != nil && (rn.Kind != yaml.ScalarNode || sameScalar(sn, rn)) {
				s, ok = analyzer.Source{Doc: pd, Path: sp, Exact: true}, true
			}
		}
		if ok && !positioned {
			// The patch sets the value, but its text has no positions
			// of its own: the patch entry says where.
			s = analyzer.Source{Doc: k.doc, Path: p.path}
		}
		if ok {
			return s, true
		}
	}
	return analyzer.Source{}, false
}

// replaced returns the fieldPaths element of the last replacement of k
// that sets q (or an ancestor of q) in the object d, names the names it
// may have had then (see object.names). A target that a label or
// annotation selector selects or rejects is not followed.
func replaced(k *kustomization, d *analyzer.Document, nodes []*yaml.Node, q analyzer.Path, names []string) (analyzer.Source, bool) {
	if k.doc == nil {
		return analyzer.Source{}, false
	}
	for i := len(k.replacements) - 1; i >= 0; i-- {
		r := k.replacements[i]
		if !r.sel.selects(d, names) || slices.ContainsFunc(r.rejects, func(s selector) bool { return s.labeled || s.selects(d, names) }) {
			continue
		}
		for j := len(r.fields) - 1; j >= 0; j-- {
			if fieldPathMatches(r.fields[j].elems, nodes, q) {
				return analyzer.Source{Doc: k.doc, Path: r.fields[j].at}, true
			}
		}
	}
	return analyzer.Source{}, false
}

// selects reports whether s selects the object d, named one of names.
func (s selector) selects(d *analyzer.Document, names []string) bool {
	group, version, ok := strings.Cut(d.APIVersion, "/")
	if !ok {
		group, version = "", d.APIVersion
	}
	return !s.labeled &&
		(s.group == "" || selects(s.group, group)) && (s.version == "" || selects(s.version, version)) &&
		(s.kind == "" || selects(s.kind, d.Kind)) && (s.name == "" || selects(s.name, names...)) &&
		(s.namespace == "" || selects(s.namespace, d.Namespace))
}

// fieldPathMatches reports whether a kustomize field path (split) names
// q's first len(elems) elements: a key, a list index, "*" (any item), or
// "[key=value]" (the item whose key is value; "[=value]", the scalar
// item).
func fieldPathMatches(elems []string, nodes []*yaml.Node, q analyzer.Path) bool {
	if len(elems) > len(q) {
		return false
	}
	for i, el := range elems {
		e := q[i]
		if !e.IsIndex {
			if el != e.Key {
				return false
			}
			continue
		}
		item := nodes[i+1]
		key, value, isItem := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(el, "["), "]"), "=")
		switch n, err := strconv.Atoi(el); {
		case el == "*":
		case err == nil:
			if n != e.Index {
				return false
			}
		case !strings.HasPrefix(el, "[") || !isItem:
			return false
		case key == "":
			if item.Kind != yaml.ScalarNode || item.Value != value {
				return false
			}
		default:
			if scalar(item, key) != value {
				return false
			}
		}
	}
	return true
}

// jsonPatched returns the source of q in a JSON 6902 patch: the value of
// an add or replace operation whose path is q or an ancestor of q, and
// whose value holds the rendered value.
func jsonPatched(pd *analyzer.Document, nodes []*yaml.Node, q analyzer.Path) (analyzer.Source, bool) {
	rn := nodes[len(nodes)-1]
	ops := pd.Root().Content
	for i := len(ops) - 1; i >= 0; i-- {
		op := ops[i]
		switch scalar(op, "op") {
		case "add", "replace", "copy", "move":
		default:
			continue
		}
		_, value := get(op, "value")
		ptr := pointer(scalar(op, "path"))
		if value == nil || ptr == nil || len(ptr) > len(q) || !pointerMatches(ptr, nodes, q) {
			continue
		}
		at := analyzer.NewPath(i, "value")
		sp, sn := mapPath(nodes[len(ptr):], q[len(ptr):], value)
		if sn != nil && (rn.Kind != yaml.ScalarNode || sameScalar(sn, rn)) {
			return analyzer.Source{Doc: pd, Path: append(at, sp...), Exact: true}, true
		}
	}
	return analyzer.Source{}, false
}

// transformed returns the kustomization entry of k whose transformer set
// the rendered scalar at q. src is the resource document's node at q, if
// any.
func (o *object) transformed(k *kustomization, nodes []*yaml.Node, q analyzer.Path, names []string, src *yaml.Node) (analyzer.Source, bool) {
	if k.doc == nil || len(q) == 0 {
		return analyzer.Source{}, false
	}
	value := nodes[len(nodes)-1].Value
	last := q[len(q)-1]
	at := func(p analyzer.Path) (analyzer.Source, bool) {
		return analyzer.Source{Doc: k.doc, Path: p}, true
	}
	switch {
	case last.Key == "image":
		name, tag, digest := splitImage(value)
		for _, im := range k.images {
			if name != im.name && (im.newName == "" || name != im.newName) {
				continue
			}
			switch {
			case im.digest != "" && digest == im.digest:
				return at(im.at.Key("digest"))
			case im.newTag != "" && tag == im.newTag:
				return at(im.at.Key("newTag"))
			case im.newName != "" && name == im.newName:
				return at(im.at.Key("newName"))
			}
		}
	case last.Key == "namespace":
		if k.namespace != nil && k.namespace.value == value {
			return at(k.namespace.path)
		}
	case last.Key == "replicas" && len(q) == 2 && q[0].Key == "spec":
		for name, e := range k.replicas {
			if e.value == value && slices.Contains(names, name) {
				return at(e.path)
			}
		}
	}
	if len(q) >= 2 {
		switch q[len(q)-2].Key {
		case "labels", "matchLabels", "selector":
			if e, ok := k.labels[last.Key]; ok && e.value == value {
				return at(e.path)
			}
		case "annotations":
			if e, ok := k.annotations[last.Key]; ok && e.value == value {
				return at(e.path)
			}
		}
	}
	// A name (or a reference to one) that a prefix or suffix changed.
	if src != nil && src.Kind == yaml.ScalarNode && src.Value != value {
		if k.namePrefix != nil && strings.HasPrefix(value, k.namePrefix.value) && strings.Contains(value, src.Value) {
			return at(k.namePrefix.path)
		}
		if k.nameSuffix != nil && strings.HasSuffix(value, k.nameSuffix.value) && strings.Contains(value, src.Value) {
			return at(k.nameSuffix.path)
		}
	}
	return analyzer.Source{}, false
}

// patchDocs returns the documents of a patch: its file's, or those of an
// inline patch. positioned tells whether their nodes' positions are in
// the file (a patch file, or an inline patch written as a literal block
// scalar, shifted to where its text is in the kustomization file).
func (b *build) patchDocs(k *kustomization, p patchRef) (docs []*analyzer.Document, positioned bool) {
	if p.inline == nil {
		if p.value == "" || isRemote(p.value) {
			return nil, false
		}
		display, _ := k.local(p.value)
		_, docs, err := b.env.Documents(display)
		if err != nil {
			return nil, false
		}
		return docs, true
	}
	return inlineDocs(k.doc, p.inline)
}

// inlineDocs parses an inline patch. Written as a literal block scalar,
// its text is the file's, indented: its positions are shifted to the
// file's lines and columns. In another style (quoted, folded, plain) its
// lines are not the file's, and its positions are left as they are (not
// positioned).
func inlineDocs(kdoc *analyzer.Document, n *yaml.Node) (docs []*analyzer.Document, positioned bool) {
	if kdoc == nil {
		return nil, false
	}
	f := kdoc.File
	positioned = n.Style&yaml.LiteralStyle != 0
	indent := 0
	if positioned {
		// The indentation of the text's first line in the file, less the
		// spaces the value keeps at its start (more than an explicit
		// indentation indicator, as in "|2", says).
		first := n.Line + 1
		for first <= f.LineCount() && len(strings.TrimSpace(string(f.Line(first)))) == 0 {
			first++
		}
		indent = leadingSpaces(string(f.Line(first)))
		for _, l := range strings.Split(n.Value, "\n") {
			if strings.TrimSpace(l) != "" {
				indent -= leadingSpaces(l)
				break
			}
		}
	}
	dec := yaml.NewDecoder(strings.NewReader(n.Value))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil || len(doc.Content) == 0 {
			break
		}
		if positioned {
			shift(doc.Content[0], n.Line, indent)
		}
		docs = append(docs, analyzer.SourceDocument(f, doc.Content[0]))
	}
	return docs, positioned
}

// leadingSpaces returns the number of spaces that start s.
func leadingSpaces(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

func shift(n *yaml.Node, lines, cols int) {
	n.Line += lines
	n.Column += cols
	for _, c := range n.Content {
		shift(c, lines, cols)
	}
}

// walkNodes returns the rendered nodes along p from root: root first, then
// one node per path element as far as p exists.
func walkNodes(root *yaml.Node, p analyzer.Path) []*yaml.Node {
	nodes := []*yaml.Node{root}
	cur := root
	for _, e := range p {
		next := child(cur, e)
		if next == nil {
			break
		}
		nodes = append(nodes, next)
		cur = next
	}
	return nodes
}

// child returns the node at one path element under n, or nil.
func child(n *yaml.Node, e analyzer.PathElem) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return nil
	}
	if e.IsIndex {
		if n.Kind != yaml.SequenceNode || e.Index < 0 || e.Index >= len(n.Content) {
			return nil
		}
		return n.Content[e.Index]
	}
	_, v := get(n, e.Key)
	return v
}

// mergeKeys are the fields that identify an item of a list the way
// strategic merge patches do (containers, volumes, env by name; ports;
// mounts).
var mergeKeys = []string{"name", "mountPath", "devicePath", "containerPort", "port", "ip"}

// mapPath finds the rendered path q (nodes are the rendered nodes along
// it, the root first) in the source tree root: keys are the same, list
// items are matched by merge key, by value for scalars, or by index when
// both lists have the same length. It returns the source path and node, or
// a nil node.
func mapPath(nodes []*yaml.Node, q analyzer.Path, root *yaml.Node) (analyzer.Path, *yaml.Node) {
	sp := make(analyzer.Path, 0, len(q))
	cur := root
	for i, e := range q {
		for cur != nil && cur.Kind == yaml.AliasNode {
			cur = cur.Alias
		}
		if cur == nil {
			return nil, nil
		}
		if !e.IsIndex {
			_, v := get(cur, e.Key)
			if v == nil {
				return nil, nil
			}
			sp = append(sp, e)
			cur = v
			continue
		}
		list := nodes[i]
		if cur.Kind != yaml.SequenceNode || list.Kind != yaml.SequenceNode {
			return nil, nil
		}
		j := matchItem(list, e.Index, cur)
		if j < 0 {
			return nil, nil
		}
		sp = append(sp, analyzer.PathElem{Index: j, IsIndex: true})
		cur = cur.Content[j]
	}
	return sp, cur
}

// matchItem returns the index in the source list of the rendered list's
// item i, or -1.
func matchItem(rendered *yaml.Node, i int, src *yaml.Node) int {
	item := rendered.Content[i]
	switch item.Kind {
	case yaml.MappingNode:
		for _, key := range mergeKeys {
			v := scalar(item, key)
			if v == "" {
				continue
			}
			for j, s := range src.Content {
				if scalar(s, key) == v {
					return j
				}
			}
			if key == "name" {
				return renamedItem(v, i, src)
			}
			return -1
		}
	case yaml.ScalarNode:
		for j, s := range src.Content {
			if s.Kind == yaml.ScalarNode && s.Value == item.Value {
				return j
			}
		}
		return -1
	}
	if len(rendered.Content) == len(src.Content) {
		return i
	}
	// Items without a merge key in lists that a patch lengthened or
	// shortened (a JSON 6902 add to /rules/-): the source item that is
	// equal, the one at the same index first.
	if i < len(src.Content) && sameNode(item, src.Content[i]) {
		return i
	}
	for j, s := range src.Content {
		if sameNode(item, s) {
			return j
		}
	}
	return -1
}

// renamedItem returns the index in the source list of the rendered item
// i named name when no source item has that name: the item a namePrefix or
// nameSuffix renamed (a binding's subject, a reference to a renamed
// object), whose source name the rendered one contains. The item at the
// same index is preferred; otherwise the match must be unique. It returns
// -1 when there is none.
func renamedItem(name string, i int, src *yaml.Node) int {
	renamed := func(s *yaml.Node) bool {
		n := scalar(s, "name")
		return n != "" && n != name && strings.Contains(name, n)
	}
	if i < len(src.Content) && renamed(src.Content[i]) {
		return i
	}
	found := -1
	for j, s := range src.Content {
		if renamed(s) {
			if found >= 0 {
				return -1
			}
			found = j
		}
	}
	return found
}

// sameNode reports whether two nodes hold the same value (aliases
// followed; styles, comments and key order ignored).
func sameNode(a, b *yaml.Node) bool {
	for a != nil && a.Kind == yaml.AliasNode {
		a = a.Alias
	}
	for b != nil && b.Kind == yaml.AliasNode {
		b = b.Alias
	}
	if a == nil || b == nil || a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Value == b.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(a.Content); i += 2 {
			_, v := get(b, a.Content[i].Value)
			if v == nil || !sameNode(a.Content[i+1], v) {
				return false
			}
		}
		return true
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// sameScalar reports whether two scalars have the same value.
func sameScalar(a, b *yaml.Node) bool {
	for a != nil && a.Kind == yaml.AliasNode {
		a = a.Alias
	}
	return a != nil && a.Kind == yaml.ScalarNode && a.Value == b.Value
}

// pointer parses a JSON pointer ("/spec/containers/0/image") into its
// reference tokens, or nil.
func pointer(s string) []string {
	if !strings.HasPrefix(s, "/") {
		return nil
	}
	toks := strings.Split(s[1:], "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// pointerMatches reports whether the pointer names q's first len(ptr)
// elements ("-", the end of a list, matches its last item).
func pointerMatches(ptr []string, nodes []*yaml.Node, q analyzer.Path) bool {
	for i, t := range ptr {
		e := q[i]
		if !e.IsIndex {
			if t != e.Key {
				return false
			}
			continue
		}
		if t == "-" {
			if e.Index != len(nodes[i].Content)-1 {
				return false
			}
			continue
		}
		if n, err := strconv.Atoi(t); err != nil || n != e.Index {
			return false
		}
	}
	return true
}

// splitImage splits an image reference into name, tag and digest.
func splitImage(ref string) (name, tag, digest string) {
	name, digest, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i+1:]
	}
	return name, tag, digest
}
