package analyzer

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// The strict decoder maps a YAML node tree onto a k8s.io/api struct the way
// the API server's strict JSON decoding does (case-sensitive field names,
// no type coercion), but keeps going after an error so that every unknown
// field and wrong type is reported with the position of its key, and the
// rest of the object is still decoded for the rules.

var jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// typeCache holds the JSON field tables of the structs the decoder has seen.
// It is safe for concurrent use and shared by one Loader.
type typeCache struct {
	mu      sync.RWMutex
	structs map[reflect.Type]*structInfo
	// custom records which types decode themselves (json.Unmarshaler).
	custom sync.Map // reflect.Type -> bool
}

// decodesItself reports whether *t implements json.Unmarshaler.
func (c *typeCache) decodesItself(t reflect.Type) bool {
	if v, ok := c.custom.Load(t); ok {
		return v.(bool)
	}
	b := t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && reflect.PointerTo(t).Implements(jsonUnmarshalerType)
	c.custom.Store(t, b)
	return b
}

type structInfo struct {
	name   string
	fields map[string][]int // JSON name -> field index path
	// names returns the sorted JSON names, for suggestions: made on the
	// first unknown field, which most runs never meet.
	names func() []string
	// enums holds the allowed values of the fields in enumFields.
	enums map[string][]string
	// rejected holds why the API server rejects the fields in
	// rejectedFields.
	rejected map[string]string
}

func newTypeCache() *typeCache { return &typeCache{structs: map[reflect.Type]*structInfo{}} }

func (c *typeCache) info(t reflect.Type) *structInfo {
	c.mu.RLock()
	si := c.structs[t]
	c.mu.RUnlock()
	if si != nil {
		return si
	}
	si = &structInfo{name: t.Name(), fields: make(map[string][]int, t.NumField()), enums: enumFields[t], rejected: rejectedFields[t]}
	addFields(si, t, nil)
	si.names = sync.OnceValue(func() []string { return slices.Sorted(maps.Keys(si.fields)) })
	c.mu.Lock()
	c.structs[t] = si
	c.mu.Unlock()
	return si
}

func addFields(si *structInfo, t reflect.Type, prefix []int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		idx := append(append([]int(nil), prefix...), i)
		if f.Anonymous && name == "" || hasOption(opts, "inline") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(si, ft, idx)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		si.fields[name] = idx
	}
}

// hasOption reports whether the comma-separated options of a struct tag
// include opt (without building a string: the decoder's type tables are
// made in every run).
func hasOption(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// problem is an unknown field or invalid value found while decoding.
type problem struct {
	ruleID  string
	at      *yaml.Node // the key (or sequence item) to point at
	path    Path
	message string
	// rename is, for an unknown field, the one known field name it is
	// closest to: the suggested fix renames the key.
	rename string
}

// decoder decodes a node tree into a typed object. The paths it passes
// down are borrowed: a child's path is its parent's with one element
// appended in place (siblings reuse the slot, one after the other), so
// decoding allocates no path unless it records a problem, which keeps a
// copy (add).
type decoder struct {
	types  *typeCache
	strict bool // report unknown fields
	// enums are the enum fields of the kind decoded (kindInfo.enums),
	// checked as those of enumFields.
	enums    map[reflect.Type]map[string][]string
	problems []problem
	depth    int  // nesting of decode calls
	tooDeep  bool // the depth limit was reported
	// path holds the paths decode passes down, up to this depth
	// (append moves deeper ones elsewhere).
	path [16]PathElem
}

// maxDecodeDepth bounds the nesting the decoder follows (the loader refuses
// an alias inside its own anchor; no Kubernetes object is nearly this
// deep).
const maxDecodeDepth = 1000

// extend returns path extended by e, in place when path has room: the
// path of a child, borrowed like its parent's (see decoder).
func extend(path Path, e PathElem) Path { return append(path, e) }

func (d *decoder) add(ruleID string, at *yaml.Node, path Path, format string, args ...any) {
	d.problems = append(d.problems, problem{ruleID: ruleID, at: at, path: slices.Clone(path), message: fmt.Sprintf(format, args...)})
}

func (d *decoder) invalid(at, n *yaml.Node, path Path, want string) {
	d.add(IDInvalidValue, at, path, "%s: expected %s, got %s", pathLabel(path), want, describe(n))
}

func pathLabel(p Path) string {
	if len(p) == 0 {
		return "object"
	}
	return p.String()
}

// describe names what a node is, for messages: `string "3"`, `a list`.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	switch n.Tag {
	case "!!str":
		return "string " + strconv.Quote(v)
	case "!!int":
		return "integer " + v
	case "!!float":
		return "number " + v
	case "!!bool":
		return "boolean " + v
	case "!!null":
		return "null"
	}
	return n.Tag + " " + strconv.Quote(v)
}

// decode stores node n into v; at is the node to point at on error, and
// path (borrowed, see decoder) the path of n.
func (d *decoder) decode(n, at *yaml.Node, v reflect.Value, path Path) {
	n = deref(n)
	if n == nil {
		return
	}
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDecodeDepth {
		if !d.tooDeep {
			d.tooDeep = true
			d.add(IDInvalidValue, at, path, "%s: nested too deeply (an alias that refers to its own ancestor?); not decoded further", pathLabel(path))
		}
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // null leaves the zero value, as in JSON
	}
	t := v.Type()
	if d.types.decodesItself(t) {
		d.decodeJSON(n, at, v, path)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		before := len(d.problems)
		nv := reflect.New(t.Elem())
		d.decode(n, at, nv.Elem(), path)
		// A scalar that did not decode (startingDeadlineSeconds: "300")
		// stays unset: a pointer to zero made the rules report a 0 the
		// manifest does not hold. A struct, list or map keeps what did.
		switch t.Elem().Kind() {
		case reflect.Struct, reflect.Slice, reflect.Map:
		default:
			if len(d.problems) > before {
				return
			}
		}
		v.Set(nv)
	case reflect.Struct:
		d.decodeStruct(n, at, v, path)
	case reflect.Slice:
		d.decodeSlice(n, at, v, path)
	case reflect.Map:
		d.decodeMap(n, at, v, path)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			v.Set(reflect.ValueOf(buildValue(n, goValues{}, new(entryStack[any]), 0)))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!timestamp" && n.Tag != "!!binary") {
			d.invalid(at, n, path, "a string")
			return
		}
		if b, ok := yaml11Bool(n); ok {
			d.add(IDInvalidValue, at, path, "%s: expected a string, got %s, which kubectl reads as the boolean %t (YAML 1.1) and the API server rejects; quote it",
				pathLabel(path), n.Value, b)
		}
		v.SetString(n.Value)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if b11, ok := yaml11Bool(n); ok {
			b, err = b11, nil
		} else if n.Tag != "!!bool" {
			err = errors.New("not a boolean")
		}
		if n.Kind != yaml.ScalarNode || err != nil {
			d.invalid(at, n, path, "a boolean")
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := parseYAMLInt(n)
		if err != nil || v.OverflowInt(i) {
			d.invalid(at, n, path, "an integer")
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, err := parseYAMLInt(n)
		if err != nil || i < 0 || v.OverflowUint(uint64(i)) {
			d.invalid(at, n, path, "a non-negative integer")
			return
		}
		v.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		f, err := parseYAMLFloat(n)
		if err != nil {
			d.invalid(at, n, path, "a number")
			return
		}
		v.SetFloat(f)
	default:
		d.decodeJSON(n, at, v, path)
	}
}

// yaml11Words are the plain scalars YAML 1.1 reads as booleans and YAML
// 1.2 (this YAML library) as strings. kubectl converts YAML to JSON with
// YAML 1.1 rules (sigs.k8s.io/yaml), so they reach the API server as
// booleans.
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// yaml11Bool returns the boolean that kubectl reads from a plain scalar
// that YAML 1.1 alone calls a boolean ("yes", "off", "n"), and whether it
// is one.
func yaml11Bool(n *yaml.Node) (value, ok bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" || n.Style != 0 || len(n.Value) > 3 {
		return false, false
	}
	value, ok = yaml11Words[n.Value]
	return value, ok
}

func parseYAMLInt(n *yaml.Node) (int64, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, fmt.Errorf("not an integer")
	}
	s := strings.ReplaceAll(n.Value, "_", "")
	return strconv.ParseInt(s, 0, 64)
}

func parseYAMLFloat(n *yaml.Node) (float64, error) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		return 0, fmt.Errorf("not a number")
	}
	if n.Tag == "!!int" {
		i, err := parseYAMLInt(n)
		return float64(i), err
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("not a finite number")
	}
	return f, nil
}

func (d *decoder) decodeStruct(n, at *yaml.Node, v reflect.Value, path Path) {
	if n.Kind != yaml.MappingNode {
		d.invalid(at, n, path, "a mapping")
		return
	}
	si := d.types.info(v.Type())
	kindEnums := d.enums[v.Type()]
	// renames are the problems of this mapping whose fix renames a key,
	// by the key it would take and the key it renames: two renames to one
	// name (or of one key written twice) would make a duplicate key, so
	// neither is offered.
	var renames map[string]int
	var renamed map[string]int
	eachEntry(n, func(k, val *yaml.Node) bool {
		if k.Kind != yaml.ScalarNode {
			d.add(IDInvalidValue, k, path, "%s: mapping keys must be strings", pathLabel(path))
			return true
		}
		idx, ok := si.fields[k.Value]
		if !ok {
			// Keys starting with "$" are strategic-merge-patch directives
			// ($patch, $setElementOrder/..., $retainKeys) of kustomize patches.
			if d.strict && !strings.HasPrefix(k.Value, "$") {
				best, unique := Closest(k.Value, si.names())
				hint, misfit := "", ""
				if best != "" {
					hint = fmt.Sprintf("; did you mean %q?", best)
				}
				if unique {
					// The key is renamed only where its value is one the
					// field takes: hostnames: [a] is not hostname: [a].
					if misfit = d.misfit(si, kindEnums, v.Type(), best, k, val, path); misfit != "" {
						hint += " Renaming the key would not do: " + misfit
					}
				}
				d.add(IDUnknownField, k, extend(path, PathElem{Key: k.Value}), "unknown field %s in %s%s", Quote(k.Value), fieldOwner(path, si), hint)
				if unique && misfit == "" {
					if renames == nil {
						renames, renamed = map[string]int{}, map[string]int{}
					}
					i, twice := renames[best]
					j, again := renamed[k.Value]
					switch {
					case twice:
						d.problems[i].rename = ""
					case again:
						d.problems[j].rename = ""
					default:
						d.problems[len(d.problems)-1].rename = best
					}
					renames[best], renamed[k.Value] = len(d.problems)-1, len(d.problems)-1
				}
			}
			return true
		}
		fv := fieldByIndex(v, idx)
		if fv.Kind() == reflect.Struct {
			// A key written twice (a duplicate-key error) is read as
			// kubectl reads it: the last copy alone. Decoding into what
			// the first copy left would merge the two (other kinds of
			// field are replaced as they are decoded).
			fv.SetZero()
		}
		d.decodeField(si, kindEnums, k.Value, k, val, fv, extend(path, PathElem{Key: k.Value}))
		return true
	})
}

// decodeField decodes val, the value of the field name of a struct (si,
// with the enums of the kind decoded), into fv, and checks it against the
// field's allowed values and the API server's rejections. k is the key to
// point at, fp the field's path (borrowed, see decoder).
func (d *decoder) decodeField(si *structInfo, kindEnums map[string][]string, name string, k, val *yaml.Node, fv reflect.Value, fp Path) {
	before := len(d.problems)
	d.decode(val, k, fv, fp)
	// A value of the wrong type is reported once, by decode.
	allowed, ok := si.enums[name]
	if !ok {
		allowed, ok = kindEnums[name]
	}
	if ok && len(d.problems) == before {
		d.checkEnum(val, k, fv, fp, allowed)
	}
	if why, ok := si.rejected[name]; ok && len(d.problems) == before && !isEmpty(fv) {
		d.add(IDInvalidValue, k, fp, "%s: %s", pathLabel(fp), why)
	}
}

// checkEnum reports the value fv, decoded without a problem from n at path
// (borrowed, see decoder), when allowed does not hold it, at k. A list's
// items are checked one by one, each reported at its own node.
func (d *decoder) checkEnum(n, k *yaml.Node, fv reflect.Value, path Path, allowed []string) {
	if fv.Kind() == reflect.Slice {
		items := deref(n).Content
		for i := range fv.Len() {
			d.checkEnum(items[i], items[i], fv.Index(i), extend(path, PathElem{Index: i, IsIndex: true}), allowed)
		}
		return
	}
	if s, ok := enumValue(fv); ok && !slices.Contains(allowed, s) {
		d.add(IDInvalidValue, k, path, "%s: %s", pathLabel(path), enumProblem(s, allowed))
	}
}

// misfit decodes val, the value of an unknown key k of a struct of type t
// (si, kindEnums as for decodeField) at path, as the field name would
// decode it, and returns the first invalid value that decoding finds, or
// "" when there is none: whether renaming the key to name would leave a
// value the field takes. A problem inside the value does not count
// (resourcess: {requets: ...} or {requests: {memory: "1 Gi"}} is still
// resources, whose own problem is reported, and a misspelt key fixed, once
// the outer one is renamed). It leaves the decoder as it was.
func (d *decoder) misfit(si *structInfo, kindEnums map[string][]string, t reflect.Type, name string, k, val *yaml.Node, path Path) string {
	before, tooDeep := len(d.problems), d.tooDeep
	defer func() {
		clear(d.problems[before:])
		d.problems, d.tooDeep = d.problems[:before], tooDeep
	}()
	fv := reflect.New(t.FieldByIndex(si.fields[name]).Type).Elem()
	at := extend(path, PathElem{Key: name})
	d.decodeField(si, kindEnums, name, k, val, fv, at)
	for _, p := range d.problems[before:] {
		// Only the value itself: an invalid value inside it is a problem
		// of its own once the key is renamed.
		if p.ruleID == IDInvalidValue && slices.Equal(p.path, at) {
			return p.message
		}
	}
	return ""
}

// rejections adds the invalid-value problems of obj, decoded from root,
// that the API server's validation rejects (RBACRejections), except where
// decoding already found a problem at the field or around it (a value of
// the wrong type decodes as empty). A field that is present is reported at
// its key, as the decoder's problems are; a missing one at its nearest
// ancestor's key, or at the sequence item (Locate's convention).
func (d *decoder) rejections(root *yaml.Node, obj any, kind string) {
	decoded := len(d.problems)
next:
	for _, r := range RBACRejections(obj) {
		if r.RuleID != IDInvalidValue {
			continue
		}
		for _, p := range d.problems[:decoded] {
			if len(p.path) <= len(r.Path) && slices.Equal(p.path, r.Path[:len(p.path)]) {
				continue next
			}
		}
		at, key, _ := walk(root, r.Path)
		if key != nil {
			at = key
		}
		d.add(IDInvalidValue, at, r.Path, "%s: %s: the API server rejects the %s, so it grants nothing", pathLabel(r.Path), r.Message, kind)
	}
}

func fieldOwner(path Path, si *structInfo) string {
	if len(path) == 0 {
		return si.name
	}
	return path.String() + " (" + si.name + ")"
}

// fieldByIndex is reflect.Value.FieldByIndex that allocates nil embedded
// pointers on the way.
func fieldByIndex(v reflect.Value, idx []int) reflect.Value {
	for i, x := range idx {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

func (d *decoder) decodeSlice(n, at *yaml.Node, v reflect.Value, path Path) {
	if v.Type().Elem().Kind() == reflect.Uint8 { // []byte is base64 in JSON
		b, err := base64.StdEncoding.DecodeString(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.invalid(at, n, path, "a base64 string")
			return
		}
		v.SetBytes(b)
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.invalid(at, n, path, "a list")
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, item, s.Index(i), extend(path, PathElem{Index: i, IsIndex: true}))
	}
	v.Set(s)
}

func (d *decoder) decodeMap(n, at *yaml.Node, v reflect.Value, path Path) {
	if n.Kind != yaml.MappingNode {
		d.invalid(at, n, path, "a mapping")
		return
	}
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		d.decodeJSON(n, at, v, path)
		return
	}
	m := reflect.MakeMap(t)
	eachEntry(n, func(k, val *yaml.Node) bool {
		if k.Kind != yaml.ScalarNode {
			d.add(IDInvalidValue, k, path, "%s: mapping keys must be strings", pathLabel(path))
			return true
		}
		ev := reflect.New(t.Elem()).Elem()
		d.decode(val, k, ev, extend(path, PathElem{Key: k.Value}))
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), ev)
		return true
	})
	v.Set(m)
}

// decodeJSON handles types with their own JSON decoding (resource.Quantity,
// intstr.IntOrString, metav1.Time, ...) by handing them the node as JSON.
func (d *decoder) decodeJSON(n, at *yaml.Node, v reflect.Value, path Path) {
	data, err := json.Marshal(buildValue(n, goValues{}, new(entryStack[any]), 0))
	if err == nil {
		err = json.Unmarshal(data, v.Addr().Interface())
	}
	if err != nil {
		msg := err.Error()
		if je := (*json.UnmarshalTypeError)(nil); errors.As(err, &je) {
			msg = "wrong type " + je.Value
		}
		d.add(IDInvalidValue, at, path, "%s: invalid value %s: %s", pathLabel(path), describe(n), msg)
	}
}
