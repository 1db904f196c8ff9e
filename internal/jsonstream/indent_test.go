package jsonstream

import (
	"bytes"
	"encoding/json"
	"testing"
)

// indentCases are compact JSON texts as json.Encoder writes them (with its
// trailing newline or without), covering each byte appendIndent treats:
// punctuation, punctuation and escapes inside strings, empty and nested
// containers, numbers and literals.
var indentCases = []string{
	`null`,
	`0`,
	`-1.5e+10` + "\n",
	`"a"`,
	`""`,
	`"\""`,
	`"\\"`,
	`"\\\""`,
	`"{[,:]}\" \\\\\"\u0026\u2028é"`,
	`[]`,
	`{}`,
	`[[]]`,
	`{"a":{}}`,
	`{"a":[],"b":{},"c":[{}],"d":[[],[1]]}` + "\n",
	`[1,true,false,null,"x",{"k":"v"}]`,
	`{"k:,":"{v}","\"":"]","n":[1,2,{"x":[true,{"y":null}]}]}` + "\n",
	`{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"results":[{"message":{"text":"CronJob a/b runs as \"x\""},"locations":[]}]}]}`,
}

// TestAppendIndentIsJSONIndent checks appendIndent against json.Indent on
// each case, with the prefixes and indents Write uses and others, onto an
// empty and a non-empty dst.
func TestAppendIndentIsJSONIndent(t *testing.T) {
	for _, src := range indentCases {
		for _, pi := range [][2]string{{"", "  "}, {"      ", "  "}, {"> ", "\t"}, {"", ""}} {
			checkIndent(t, []byte(src), pi[0], pi[1])
		}
	}
}

// FuzzAppendIndent checks appendIndent against json.Indent on any valid
// JSON, compacted first as the Encoder writes it.
func FuzzAppendIndent(f *testing.F) {
	for _, src := range indentCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		if !json.Valid(text) {
			return
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, text); err != nil {
			t.Fatalf("compacting valid JSON: %v", err)
		}
		checkIndent(t, compact.Bytes(), "  ", "  ")
	})
}

func checkIndent(t *testing.T, src []byte, prefix, indent string) {
	t.Helper()
	var want bytes.Buffer
	want.WriteString("head,")
	if err := json.Indent(&want, src, prefix, indent); err != nil {
		t.Fatalf("json.Indent(%q): %v", src, err)
	}
	got := appendIndent([]byte("head,"), src, prefix, indent)
	if string(got) != want.String() {
		t.Errorf("appendIndent(%q, %q, %q):\n%s\nwant (json.Indent):\n%s", src, prefix, indent, got, want.String())
	}
}

// BenchmarkIndent indents a SARIF result of kvet's (compact, 1.6 KB) as
// Write does, with appendIndent and with json.Indent (the Encoder's
// indentation).
func BenchmarkIndent(b *testing.B) {
	src := []byte(`{"ruleId":"workload-excessive-permissions","ruleIndex":12,"level":"warning","message":{"text":"CronJob billing/invoice-export runs as ServiceAccount exporter, which can list secrets in billing via RoleBinding exporter-reads-secrets \u2192 Role secret-reader (rbac.yaml:12)"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"team-00/manifests-0001.yaml","uriBaseId":"%SRCROOT%","index":3},"region":{"startLine":12,"startColumn":7,"endLine":12,"endColumn":25}},"logicalLocations":[{"name":"invoice-export","fullyQualifiedName":"billing/CronJob/invoice-export","kind":"object"}]}],"relatedLocations":[{"id":1,"physicalLocation":{"artifactLocation":{"uri":"team-00/rbac.yaml","uriBaseId":"%SRCROOT%","index":4},"region":{"startLine":12,"startColumn":3,"endLine":12,"endColumn":9}},"message":{"text":"the binding's subject"}},{"id":2,"physicalLocation":{"artifactLocation":{"uri":"team-00/rbac.yaml","uriBaseId":"%SRCROOT%","index":4},"region":{"startLine":20,"startColumn":5,"endLine":20,"endColumn":12}},"message":{"text":"the rule's verb"}}],"partialFingerprints":{"kvetFingerprint/v1":"0123456789abcdef0123456789abcdef:1"},"properties":{"fieldPath":"spec.jobTemplate.spec.template.spec.serviceAccountName"}}`)
	prefix := "        "
	b.Run("appendIndent", func(b *testing.B) {
		var dst []byte
		for b.Loop() {
			dst = appendIndent(dst[:0], src, prefix, "  ")
		}
		b.SetBytes(int64(len(src)))
	})
	b.Run("json.Indent", func(b *testing.B) {
		var dst bytes.Buffer
		for b.Loop() {
			dst.Reset()
			if err := json.Indent(&dst, src, prefix, "  "); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(src)))
	})
}
