// Package engine renders Helm charts in-process with Helm's own Go
// packages, as helm template does: the chart loader (vendored subcharts
// under charts/ included), dependency conditions, tags and import-values,
// values coalescing, and the template engine with Helm's functions. It
// never reaches a cluster or the network: lookup returns nothing, values
// schemas are not fetched (nor checked), and a dependency that is not
// vendored is a failure, not a download.
//
// Linking this package costs start-up time (Helm pulls in client-go's
// scheme), so kvet itself does not: the kvet-helm command does, and kvet
// runs it only when there are charts to render.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	yaml3 "go.yaml.in/yaml/v3"
	chartcommon "helm.sh/helm/v4/pkg/chart/common"
	chartvalues "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	helmengine "helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/safefile"
	"github.com/kvet-dev/kvet/render/helm"
)

// Render renders the chart req.Dir names. Every problem is a Failure in
// the output: a chart that does not load, a dependency that is not
// vendored, values that do not parse, a template that does not parse or
// execute. A failing template is left out and the others are rendered
// again, so one bad template does not hide the rest of the chart.
func Render(ctx context.Context, req helm.Request) helm.Output {
	var out helm.Output
	fail := func(f helm.Failure) helm.Output {
		out.Failures = append(out.Failures, f)
		return out
	}
	src := source{overlay: req.Overlay}
	if req.SetOnly {
		// Only the --set assignments, parsed as the rendering would.
		if _, f := userValues(helm.Request{Set: req.Set}, src); f != nil {
			return fail(*f)
		}
		return out
	}
	ch, err := src.loadChart(req.Dir)
	if err != nil {
		return fail(helm.Failure{Path: helm.ChartFile, Message: "loading chart: " + trimDir(err.Error(), req.Dir)})
	}
	if missing := missingDependencies(ch); len(missing) > 0 {
		for _, i := range missing {
			name := ch.Metadata.Dependencies[i].Name
			if name == "" {
				// Helm would say "missing in charts/ directory: " and no name.
				out.Failures = append(out.Failures, namelessDependency(src, req.Dir, i))
				continue
			}
			out.Failures = append(out.Failures, helm.Failure{
				Path: helm.ChartFile, Dependency: name,
				Message: "found in Chart.yaml, but missing in charts/ directory: " + name + " (run helm dependency build to vendor it; kvet never downloads charts)",
			})
		}
		return out
	}
	vals, f := userValues(req, src)
	if f != nil {
		return fail(*f)
	}
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		f := helm.Failure{Path: helm.ChartFile, Message: "processing dependencies: " + valuesMessage(err)}
		if file, line := valuesKey(src, req, mismatchedSubchart(err)); line > 0 {
			f.Path, f.Line = file, line
		}
		return fail(f)
	}
	caps := chartcommon.DefaultCapabilities.Copy()
	kubeVersion := cmp(req.KubeVersion, helm.DefaultKubeVersion)
	kv, err := chartcommon.ParseKubeVersion(kubeVersion)
	if err != nil {
		return fail(helm.Failure{Message: fmt.Sprintf("kube version %q: %v", kubeVersion, err)})
	}
	caps.KubeVersion = *kv
	if target, err := analyzer.ParseKubeVersion(kubeVersion); err == nil {
		caps.APIVersions = apiVersions(target)
	}
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return fail(helm.Failure{Path: helm.ChartFile, Line: keyLine(src, filepath.Join(req.Dir, helm.ChartFile), "kubeVersion", false),
			Message: fmt.Sprintf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", ch.Metadata.KubeVersion, caps.KubeVersion.Version)})
	}
	opts := chartcommon.ReleaseOptions{
		Name:      cmp(req.ReleaseName, helm.DefaultReleaseName),
		Namespace: cmp(req.Namespace, helm.DefaultNamespace),
		Revision:  1,
		IsInstall: true,
	}
	// Schemas are not checked: Helm's validator follows $ref to URLs.
	top, err := chartvalues.ToRenderValuesWithSchemaValidation(ch, vals, opts, caps, true)
	if err != nil {
		return fail(helm.Failure{Message: "values: " + valuesMessage(err)})
	}
	dirs := subchartDirs(src, req.Dir, ch)
	// Render; on a template failure, leave that template's output out
	// (its defines are kept for the templates that use them; if one of
	// them fails too, the whole template) and render the rest again (at
	// most twice per template).
	blanked := map[string]bool{}
	for range 2*countTemplates(ch) + 1 {
		if err := ctx.Err(); err != nil {
			return fail(helm.Failure{Message: err.Error()})
		}
		var e helmengine.Engine
		files, err := e.RenderWithContext(ctx, ch, top)
		if err == nil {
			maxSize := req.MaxTemplateSize
			if maxSize <= 0 {
				maxSize = safefile.DefaultMaxSize
			}
			var tooLarge []helm.Failure
			out.Templates, tooLarge = templates(files, dirs, maxSize)
			out.Failures = append(out.Failures, tooLarge...)
			return out
		}
		f := templateFailure(err, dirs)
		out.Failures = append(out.Failures, f.Failure)
		if f.name == "" || strings.HasPrefix(path.Base(f.name), "_") {
			return out // a helper or an unknown place: nothing renders
		}
		if !blanked[f.name] {
			blanked[f.name] = true
			if editTemplate(ch, f.name, definesOnly) {
				continue
			}
		}
		if !editTemplate(ch, f.name, nil) {
			return out
		}
	}
	return out
}

// source reads the files of a request: its overlay (an editor's unsaved
// buffers) before the disk.
type source struct {
	overlay map[string]string // by absolute slash-separated path
}

// readFile reads the file at path: the overlay's content, else the disk's
// through the bounded read (never blocking on a named pipe; helm's loader
// refuses those too).
func (s source) readFile(path string) ([]byte, error) {
	if data, ok := s.overlaid(path); ok {
		return data, nil
	}
	return safefile.Read(context.Background(), path, 0)
}

// overlaid returns the overlay's content of the file at path, if any.
func (s source) overlaid(path string) ([]byte, bool) {
	if len(s.overlay) == 0 {
		return nil, false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, false
	}
	data, ok := s.overlay[filepath.ToSlash(abs)]
	return []byte(data), ok
}

// loadChart loads the chart in dir with Helm's loader (.helmignore,
// subcharts), then, when the overlay replaces some of its files, loads
// the same files again with the overlay's content. A chart that does not
// load from disk is reported as it is on disk.
func (s source) loadChart(dir string) (*chart.Chart, error) {
	ch, err := loader.LoadDir(dir)
	if err != nil || len(s.overlay) == 0 {
		return ch, err
	}
	files := make([]*archive.BufferedFile, len(ch.Raw))
	replaced := false
	for i, f := range ch.Raw {
		data := f.Data
		if o, ok := s.overlaid(filepath.Join(dir, filepath.FromSlash(f.Name))); ok {
			data, replaced = bytes.TrimPrefix(o, utf8BOM), true
		}
		files[i] = &archive.BufferedFile{Name: f.Name, ModTime: f.ModTime, Data: data}
	}
	if !replaced {
		return ch, nil
	}
	return loader.LoadFiles(files)
}

// utf8BOM is the byte order mark Helm's loader drops from files.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// trimDir makes the chart directory's paths in a message relative to it.
func trimDir(msg, dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		msg = strings.ReplaceAll(msg, abs+string(filepath.Separator), "")
	}
	return strings.ReplaceAll(msg, filepath.Clean(dir)+string(filepath.Separator), "")
}

// missingDependencies returns the indices of the dependencies that
// Chart.yaml declares and charts/ does not hold, as helm install and
// template refuse them. A dependency without a name is always missing.
func missingDependencies(ch *chart.Chart) []int {
	var missing []int
	for i, d := range ch.Metadata.Dependencies {
		found := slices.ContainsFunc(ch.Dependencies(), func(sub *chart.Chart) bool { return sub.Name() == d.Name })
		if !found {
			missing = append(missing, i)
		}
	}
	return missing
}

// namelessDependency is the failure of the chart's dependency i, which
// has no name, at its entry (where a missing named dependency is
// reported: the start of the entry's value after its "- "): in
// requirements.yaml when that file lists the dependencies (an apiVersion
// v1 chart; Helm's loader reads it after Chart.yaml), else in Chart.yaml.
func namelessDependency(src source, dir string, i int) helm.Failure {
	f := helm.Failure{Path: helm.ChartFile}
	for _, meta := range []string{"requirements.yaml", helm.ChartFile} {
		if line, col, ok := dependencyEntry(src, filepath.Join(dir, meta), i); ok {
			f.Path, f.Line, f.Column = meta, line, col
			break
		}
	}
	f.Message = fmt.Sprintf("%s: dependency %d has no name (Helm finds each dependency under charts/ by its name)", f.Path, i+1)
	return f
}

// dependencyEntry returns the line and 0-based byte column (see
// helm.Failure) of entry i of the dependencies the file at path lists,
// and whether the file lists dependencies at all.
func dependencyEntry(src source, path string, i int) (line, col int, ok bool) {
	data, err := src.readFile(path)
	if err != nil {
		return 0, 0, false
	}
	_, deps := topLevel(data, "dependencies", false)
	if deps == nil || deps.Kind != yaml3.SequenceNode {
		return 0, 0, false
	}
	if i >= len(deps.Content) {
		return 0, 0, true
	}
	n := deps.Content[i]
	f := &analyzer.File{Path: path, Content: data}
	return n.Line, f.ByteColumn(analyzer.Position{Line: n.Line, Column: n.Column}) - 1, true
}

// userValues reads the values files and --set assignments of req, merged
// as helm does (later files, later documents of a file and --set win;
// maps merge key by key).
func userValues(req helm.Request, src source) (map[string]any, *helm.Failure) {
	base := map[string]any{}
	for _, file := range req.ValuesFiles {
		data, err := src.readFile(file)
		if err != nil {
			return nil, &helm.Failure{Message: fmt.Sprintf("reading values file %s: %v", file, err)}
		}
		// Every document of the file, merged, later ones winning.
		current, err := loader.LoadValues(bytes.NewReader(data))
		if err != nil {
			return nil, &helm.Failure{Message: fmt.Sprintf("values file %s: %v", file, err)}
		}
		base = loader.MergeMaps(base, current)
	}
	for _, s := range req.Set {
		if err := strvals.ParseInto(s, base); err != nil {
			return nil, &helm.Failure{Message: fmt.Sprintf("--set %s: %v", s, err)}
		}
	}
	return base, nil
}

// typeMismatch is Helm's error for the values of a subchart that are not
// a map, which it formats with %t: "type mismatch on sub:
// %!t(string=str)", "... on sub: [%!t(string=a) %!t(string=b)]".
var typeMismatch = regexp.MustCompile(`type mismatch on (.+?): (.*)$`)

// misprinted is one value printed with %t that is not a boolean, whole
// ("%!t(string=a(b)=c)"); misprintedItem is one inside a list or map,
// whose value holds no parenthesis.
var (
	misprinted     = regexp.MustCompile(`^%!t\((\w+)=(.*)\)$`)
	misprintedItem = regexp.MustCompile(`%!t\(\w+=([^()]*)\)`)
)

// valuesMessage is the message of an error in coalescing values, with
// Helm's type mismatch said in words: "the values of subchart sub must
// be a map, not the string "str"".
func valuesMessage(err error) string {
	msg := err.Error()
	m := typeMismatch.FindStringSubmatchIndex(msg)
	if m == nil {
		return msg
	}
	name, value := msg[m[2]:m[3]], msg[m[4]:m[5]]
	return msg[:m[0]] + fmt.Sprintf("the values of subchart %s must be a map, not %s", name, describeValue(value))
}

// mismatchedSubchart returns the subchart whose values Helm's type
// mismatch error says are not a map, or "".
func mismatchedSubchart(err error) string {
	if m := typeMismatch.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

// chartValuesFile is the chart's own values file.
const chartValuesFile = "values.yaml"

// valuesKey returns the file (relative to the chart directory) and line
// of the top-level key name whose value Helm found is not a map: in the
// last values file of req that sets it, when it sets it to something else
// than a map or null, else in the chart's values.yaml (a map in the
// user's values leaves the chart's value that is not one, and null removes
// the key). It returns a line of 0 when a --set assignment sets name (the
// place is a command line or .kvet.yaml, not a values file), or when no
// file sets it.
func valuesKey(src source, req helm.Request, name string) (file string, line int) {
	if name == "" {
		return "", 0
	}
	for _, s := range req.Set {
		if key, _, _ := strings.Cut(s, "="); key == name || strings.HasPrefix(key, name+".") || strings.HasPrefix(key, name+"[") {
			return "", 0
		}
	}
	for _, v := range slices.Backward(req.ValuesFiles) {
		data, err := src.readFile(v)
		if err != nil {
			continue
		}
		k, val := topLevel(data, name, true)
		if k == nil {
			continue
		}
		if !replaces(val) {
			break
		}
		rel, ok := relativeTo(req.Dir, v)
		if !ok {
			return "", 0
		}
		return rel, k.Line
	}
	return chartValuesFile, keyLine(src, filepath.Join(req.Dir, chartValuesFile), name, true)
}

// replaces reports whether a value of a values file replaces the value
// of the files before it, rather than merging with it (a map) or
// removing it (null).
func replaces(v *yaml3.Node) bool {
	if v.Kind == yaml3.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	null := v.Kind == yaml3.ScalarNode && v.ShortTag() == "!!null"
	return v.Kind != yaml3.MappingNode && !null
}

// relativeTo returns path relative to the directory dir, slash-separated
// ("../values-prod.yaml" for a file beside the chart), and whether it can
// be made relative.
func relativeTo(dir, path string) (string, bool) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	absPath, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(absDir, absPath)
	if err != nil {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// topLevel returns the top-level key name and its value (of two copies
// the last, as Helm reads them) in the YAML text data, or nils when it
// does not parse or has no such key. Of a values file (values set), Helm
// merges every document, later ones winning (loader.LoadValues), so the
// key is that of the last document that sets it; of Chart.yaml, Helm reads
// the first document only.
func topLevel(data []byte, name string, values bool) (k, v *yaml3.Node) {
	dec := yaml3.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml3.Node
		if dec.Decode(&doc) != nil {
			return k, v
		}
		if len(doc.Content) > 0 {
			if dk, dv := analyzer.LookupKey(doc.Content[0], name); dk != nil {
				k, v = dk, dv
			}
		}
		if !values {
			return k, v
		}
	}
}

// keyLine returns the line of the top-level key name in the YAML file at
// path, a values file or not (see topLevel), or 0.
func keyLine(src source, path, name string, values bool) int {
	data, err := src.readFile(path)
	if err != nil {
		return 0
	}
	if k, _ := topLevel(data, name, values); k != nil {
		return k.Line
	}
	return 0
}

// describeValue says what a value Helm printed with %t is.
func describeValue(v string) string {
	switch {
	case v == "%!t(<nil>)":
		return "null"
	case v == "true" || v == "false":
		return "the boolean " + v
	case strings.HasPrefix(v, "["):
		return "the list " + misprintedItem.ReplaceAllString(v, "$1")
	}
	m := misprinted.FindStringSubmatch(v)
	if m == nil {
		return misprintedItem.ReplaceAllString(v, "$1")
	}
	switch m[1] {
	case "string":
		return "the string " + strconv.Quote(m[2])
	case "int", "int64", "uint64", "float64":
		return "the number " + m[2]
	}
	return m[2] + " (a " + m[1] + ")"
}

// countTemplates counts the templates of a chart and its subcharts.
func countTemplates(ch *chart.Chart) int {
	n := len(ch.Templates)
	for _, d := range ch.Dependencies() {
		n += countTemplates(d)
	}
	return n
}

// editTemplate replaces the text of the template Helm names name in the
// chart tree by edit's (the template is dropped when edit is nil or
// returns nil). It reports whether the template was found.
func editTemplate(ch *chart.Chart, name string, edit func(name string, text []byte) []byte) bool {
	for i, t := range ch.Templates {
		if path.Join(ch.ChartFullPath(), t.Name) != name {
			continue
		}
		var text []byte
		if edit != nil {
			text = edit(name, t.Data)
		}
		if text == nil {
			ch.Templates = slices.Delete(slices.Clone(ch.Templates), i, i+1)
		} else {
			ch.Templates = slices.Clone(ch.Templates)
			ch.Templates[i] = &chartcommon.File{Name: t.Name, Data: text, ModTime: t.ModTime}
		}
		return true
	}
	for _, d := range ch.Dependencies() {
		if editTemplate(d, name, edit) {
			return true
		}
	}
	return false
}

// definesOnly returns a template's text with only its define blocks kept,
// in place (everything else is blanked, line breaks kept, so that line
// numbers hold): it renders nothing, and the templates that include its
// defines still find them. It returns nil when the text does not parse or
// defines nothing.
func definesOnly(name string, text []byte) []byte {
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tr.Parse(string(text), "", "", trees); err != nil {
		return nil
	}
	// A define runs from its action to where the next top-level node or
	// define starts (or the end).
	var starts []int
	if main := trees[name]; main != nil && main.Root != nil {
		for _, n := range main.Root.Nodes {
			at := int(n.Position())
			if n.Type() != parse.NodeText {
				// an action's position is past its "{{"
				at = bytes.LastIndex(text[:min(at+2, len(text))], []byte("{{"))
			}
			starts = append(starts, at)
		}
	}
	var defines []int
	for tn, t := range trees {
		if tn == name || t.Root == nil {
			continue
		}
		at := bytes.LastIndex(text[:t.Root.Pos], []byte("{{"))
		if at < 0 {
			continue
		}
		action := strings.TrimLeft(string(text[at+2:t.Root.Pos]), "- \t\r\n")
		if !strings.HasPrefix(action, "define") {
			continue // a block: executed where it is
		}
		defines = append(defines, at)
		starts = append(starts, at)
	}
	if len(defines) == 0 {
		return nil
	}
	slices.Sort(starts)
	out := bytes.Repeat([]byte{' '}, len(text))
	for i, c := range text {
		if c == '\n' {
			out[i] = c
		}
	}
	for _, at := range defines {
		end := len(text)
		if i, _ := slices.BinarySearch(starts, at+1); i < len(starts) {
			end = starts[i]
		}
		copy(out[at:end], text[at:end])
	}
	return out
}

// chartDir is where a chart of the tree lives: a directory relative to
// the root chart's, or a packaged subchart (dir is "").
type chartDir struct {
	dir        string
	dependency string // the root-level dependency that brought a packaged chart in
}

// subchartDirs maps Helm's full path of each chart of the tree
// ("root/charts/sub") to its directory relative to the root chart.
func subchartDirs(src source, root string, ch *chart.Chart) map[string]chartDir {
	dirs := map[string]chartDir{ch.ChartFullPath(): {dir: "."}}
	var walk func(c *chart.Chart, parent chartDir)
	walk = func(c *chart.Chart, parent chartDir) {
		for _, sub := range c.Dependencies() {
			d := parent // inside a packaged chart, everything is
			if parent.dir != "" {
				d.dir = findSubchart(src, root, parent.dir, sub)
				if d.dependency == "" {
					d.dependency = sub.Name()
				}
			}
			dirs[sub.ChartFullPath()] = d
			walk(sub, d)
		}
	}
	walk(ch, chartDir{dir: "."})
	return dirs
}

// findSubchart returns the directory under parent/charts of the subchart
// sub (which an alias may have renamed), or "" when it is packaged.
func findSubchart(src source, root, parent string, sub *chart.Chart) string {
	// Helm renames an aliased dependency in the loaded chart; its
	// Chart.yaml on disk still has the chart's name beside the alias.
	names := []string{sub.Name()}
	var parentMeta struct {
		Dependencies []struct {
			Name  string `json:"name"`
			Alias string `json:"alias"`
		} `json:"dependencies"`
	}
	if data, err := src.readFile(filepath.Join(root, filepath.FromSlash(parent), helm.ChartFile)); err == nil && yaml.Unmarshal(data, &parentMeta) == nil {
		for _, dep := range parentMeta.Dependencies {
			if dep.Alias == sub.Name() {
				names = append(names, dep.Name)
			}
		}
	}
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(parent), "charts"))
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		rel := path.Join(parent, "charts", e.Name())
		data, err := src.readFile(filepath.Join(root, filepath.FromSlash(rel), helm.ChartFile))
		if err != nil {
			continue
		}
		var meta struct {
			Name string `json:"name"`
		}
		if yaml.Unmarshal(data, &meta) == nil && slices.Contains(names, meta.Name) {
			return rel
		}
	}
	return ""
}

// templates turns the engine's output into Templates, in name order,
// leaving out NOTES.txt and templates that rendered to nothing but
// whitespace.
func templates(files map[string]string, dirs map[string]chartDir, maxSize int64) ([]helm.Template, []helm.Failure) {
	var out []helm.Template
	var tooLarge []helm.Failure
	for _, name := range slices.Sorted(maps.Keys(files)) {
		content := files[name]
		if strings.HasSuffix(name, "NOTES.txt") || strings.TrimSpace(content) == "" {
			continue
		}
		t := helm.Template{Name: name, Content: content}
		t.Path, t.Dependency = templatePath(name, dirs)
		if size := int64(len(content)); size > maxSize {
			// As a file over --max-file-size is not read: a template
			// ranging over a huge list would take gigabytes to lint.
			tooLarge = append(tooLarge, helm.Failure{Path: t.Path, Line: 1, Dependency: t.Dependency,
				Message: fmt.Sprintf("%s renders %s, over the %s limit (--max-file-size); not linted",
					name, safefile.FormatSize(size), safefile.FormatSize(maxSize))})
			continue
		}
		out = append(out, t)
	}
	return out, tooLarge
}

// templatePath maps Helm's name of a template to its file relative to the
// root chart, or to the dependency of a packaged subchart.
func templatePath(name string, dirs map[string]chartDir) (file, dependency string) {
	i := strings.LastIndex(name, "/templates/")
	if i < 0 {
		return "", ""
	}
	d, ok := dirs[name[:i]]
	if !ok {
		return "", ""
	}
	if d.dir == "" {
		return "", d.dependency
	}
	return path.Join(d.dir, name[i+1:]), ""
}

// failure is a Failure with Helm's name of the template at fault.
type failure struct {
	helm.Failure
	name string
}

// templateLocation finds the first "name:line[:col]" of a template in a
// Helm error message: the place Helm reports.
var templateLocation = regexp.MustCompile(`([^\s():"]+/templates/[^\s():"]+):(\d+)(?::(\d+))?`)

// templateFailure turns a render error into a failure at the template line
// Helm names.
func templateFailure(err error, dirs map[string]chartDir) failure {
	msg := err.Error()
	var f failure
	f.Message = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " ")
	// The first location is the template being rendered (left out on the
	// next attempt); the last one is where the fault is: the action that
	// failed, deepest in a chain of includes, or where an unclosed action
	// started.
	all := templateLocation.FindAllStringSubmatch(msg, -1)
	if all == nil {
		return f
	}
	f.name = all[0][1]
	m := all[len(all)-1]
	f.Path, f.Dependency = templatePath(m[1], dirs)
	if f.Path != "" {
		f.Line, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			f.Column, _ = strconv.Atoi(m[3])
		}
	}
	return f
}

// Serve answers one Batch read from r with a Reply written to w: the
// kvet-helm side of the exchange (see helm.Exec). A batch from another
// protocol or build is refused in the reply, so that kvet reports it. A
// chart whose rendering panics in Helm's code fails alone: the other
// charts of the batch are still rendered. A chart whose rendering
// outgrows its limits (Request.Timeout, Request.MaxMemory) cannot be
// stopped inside Helm's template engine: Serve then writes the reply, with
// that chart failed and the later ones not rendered, and ends the process.
func Serve(ctx context.Context, r io.Reader, w io.Writer) error {
	return serve(ctx, r, w, Render, os.Exit)
}

// renderFunc renders one chart: Render, or a stand-in in tests.
type renderFunc func(context.Context, helm.Request) helm.Output

// serve is Serve with render rendering each chart, and exit ending the
// process once a chart over its limits has been answered.
func serve(ctx context.Context, r io.Reader, w io.Writer, render renderFunc, exit func(int)) error {
	reply := helm.Reply{Protocol: helm.Protocol, Build: helm.Build()}
	var batch helm.Batch
	if err := json.NewDecoder(r).Decode(&batch); err != nil {
		reply.Error = fmt.Sprintf("reading the request: %v", err)
	} else if batch.Protocol != helm.Protocol {
		reply.Error = fmt.Sprintf("protocol %d requested, this kvet-helm speaks %d", batch.Protocol, helm.Protocol)
	} else {
		// mu guards reply and stopped: the watchdog of a chart over its
		// limits answers in the rendering's place.
		var mu sync.Mutex
		stopped := false
		reply.Outputs = make([]helm.Output, len(batch.Requests))
		for i, req := range batch.Requests {
			unwatch := watch(req, func(why string) {
				mu.Lock()
				defer mu.Unlock()
				if stopped {
					return
				}
				stopped = true
				partial := reply
				partial.Outputs = slices.Clone(reply.Outputs)
				partial.Outputs[i] = helm.Output{Failures: []helm.Failure{{Path: helm.ChartFile, Message: why}}}
				for j := i + 1; j < len(partial.Outputs); j++ {
					partial.Outputs[j] = helm.Output{Failures: []helm.Failure{{Path: helm.ChartFile,
						Message: "not rendered: kvet-helm stopped while rendering " + batch.Requests[i].Dir}}}
				}
				_ = json.NewEncoder(w).Encode(partial)
				exit(0)
			})
			out := renderOne(ctx, req, render)
			unwatch()
			mu.Lock()
			if stopped {
				mu.Unlock()
				return nil
			}
			reply.Outputs[i] = out
			mu.Unlock()
		}
	}
	if err := json.NewEncoder(w).Encode(reply); err != nil {
		return fmt.Errorf("writing the reply: %w", err)
	}
	return nil
}

// renderOne renders the chart of req with render. Helm's chart loader,
// values coalescing and dependency processing panic on some malformed
// charts rather than fail: such a panic is this chart's failure, at its
// Chart.yaml, and not the end of the batch (which would fail every chart
// of the run with a reply kvet cannot read).
func renderOne(ctx context.Context, req helm.Request, render renderFunc) (out helm.Output) {
	defer func() {
		if p := recover(); p != nil {
			out = helm.Output{Failures: []helm.Failure{{
				Path:    helm.ChartFile,
				Message: fmt.Sprintf("internal error in Helm's rendering: %v", p),
			}}}
		}
	}()
	return render(ctx, req)
}
