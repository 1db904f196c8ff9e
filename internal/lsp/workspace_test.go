package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
)

// roleRefRule is a rule that sees every document, as the RBAC reference
// rules do: a RoleBinding's roleRef names a Role of the set (reported as
// an info with the Role as related location) or not (a warning).
func roleRefRule() *analyzer.Rule {
	return &analyzer.Rule{
		ID: "test-role-ref", Title: "test", Severity: analyzer.SeverityWarning, Source: "go",
		Rationale: "test", Remediation: "test", Kinds: []string{"Role", "RoleBinding"},
		RunSet: func(p *analyzer.SetPass) {
			roles := map[string]*analyzer.Document{}
			for _, d := range p.Docs {
				if _, ok := d.Object.(*rbacv1.Role); ok {
					roles[d.Name] = d
				}
			}
			for _, d := range p.Docs {
				rb, ok := d.Object.(*rbacv1.RoleBinding)
				if !ok {
					continue
				}
				at := analyzer.NewPath("roleRef", "name")
				if role := roles[rb.RoleRef.Name]; role != nil {
					p.Report(d, analyzer.Finding{Path: at, Severity: analyzer.SeverityInfo, Message: "binds Role " + role.Name,
						Related: []analyzer.Related{{Doc: role, Path: analyzer.NewPath("metadata", "name"), Message: "the Role"}}})
				} else {
					p.Report(d, analyzer.Finding{Path: at, Message: fmt.Sprintf("Role %s not found", rb.RoleRef.Name)})
				}
			}
		},
	}
}

func withRoleRefRule(lt *linter.Linter) { lt.Enabled = append(lt.Enabled, roleRefRule()) }

const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read
  namespace: team
subjects:
- kind: ServiceAccount
  name: app
  namespace: team
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
`

func role(name string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  namespace: team\n  name: " + name +
		"\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get]\n"
}

// Rules that see every document get the workspace folder's manifests,
// from disk or from their open buffers (unsaved changes win); a change of
// one open document updates the findings of the others; a file created on
// disk is seen at the next lint.
func TestCrossDocumentContext(t *testing.T) {
	dir := writeTree(t, map[string]string{"rbac/role.yaml": role("reader"), "other/role.yaml": role("unrelated")})
	c := startServer(t, Options{adjust: withRoleRefRule})
	c.initialize(dir)
	bURI := pathToURI(filepath.Join(dir, "rbac/binding.yaml")) // not on disk
	find := func(p PublishDiagnosticsParams) *Diagnostic {
		for i := range p.Diagnostics {
			if p.Diagnostics[i].Code == "test-role-ref" {
				return &p.Diagnostics[i]
			}
		}
		return nil
	}
	c.open(bURI, binding)
	d := find(c.diagnostics(bURI))
	roleURI := pathToURI(filepath.Join(dir, "rbac/role.yaml"))
	want := DiagnosticRelatedInformation{Location: Location{URI: roleURI, Range: Range{Start: Position{Line: 4, Character: 8}, End: Position{Line: 4, Character: 14}}}, Message: "the Role"}
	if d == nil || d.Message != "binds Role reader" || d.Range.Start != (Position{Line: 12, Character: 8}) ||
		len(d.RelatedInformation) != 1 || d.RelatedInformation[0] != want {
		t.Fatalf("with the Role on disk: %+v, want related %+v", d, want)
	}

	// The Role's unsaved buffer renames it: the binding's finding changes
	// without a change of the binding.
	c.open(roleURI, role("writer"))
	c.diagnostics(roleURI)
	if d := find(c.diagnostics(bURI)); d == nil || d.Message != "Role reader not found" || d.Severity != diagnosticSeverityWarning {
		t.Fatalf("with the Role renamed in its buffer: %+v", d)
	}

	// Closed without saving, the file on disk counts again.
	c.notify(methodDidClose, DidCloseTextDocumentParams{TextDocument: TextDocumentIdentifier{URI: roleURI}})
	if d := find(c.diagnostics(bURI)); d == nil || d.Message != "binds Role reader" {
		t.Fatalf("after closing the Role's buffer: %+v", d)
	}

	// A Role file written on disk (reader renamed, another one added).
	if err := os.WriteFile(filepath.Join(dir, "rbac/role.yaml"), []byte(role("renamed")), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(methodDidChangeWatchedFiles, DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: roleURI, Type: 2}}})
	if d := find(c.diagnostics(bURI)); d == nil || d.Message != "Role reader not found" {
		t.Fatalf("after the Role changed on disk: %+v", d)
	}
	if err := os.WriteFile(filepath.Join(dir, "other/reader.yaml"), []byte(role("reader")), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(methodDidChangeWatchedFiles, DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: pathToURI(filepath.Join(dir, "other/reader.yaml")), Type: 1}}})
	if d := find(c.diagnostics(bURI)); d == nil || d.Message != "binds Role reader" || d.RelatedInformation[0].Location.URI != pathToURI(filepath.Join(dir, "other/reader.yaml")) {
		t.Fatalf("after a Role file was added: %+v", d)
	}
}

// Workspace folders added after initialize give documents their context;
// a document outside every folder is linted alone.
func TestWorkspaceFolders(t *testing.T) {
	dir := writeTree(t, map[string]string{"rbac/role.yaml": role("reader")})
	c := startServer(t, Options{adjust: withRoleRefRule})
	var res InitializeResult
	c.result(methodInitialize, map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &res)
	if !res.Capabilities.Workspace.WorkspaceFolders.Supported || !res.Capabilities.Workspace.WorkspaceFolders.ChangeNotifications {
		t.Errorf("workspace folders capability: %+v", res.Capabilities.Workspace)
	}
	c.notify(methodInitialized, map[string]any{})
	uri := pathToURI(filepath.Join(dir, "rbac/binding.yaml"))
	c.open(uri, binding)
	message := func() string {
		for _, d := range c.diagnostics(uri).Diagnostics {
			if d.Code == "test-role-ref" {
				return d.Message
			}
		}
		return ""
	}
	if got := message(); got != "Role reader not found" {
		t.Errorf("outside every folder: %q", got)
	}
	c.notify(methodDidChangeFolders, map[string]any{"event": map[string]any{
		"added": []WorkspaceFolder{{URI: pathToURI(dir), Name: "k8s"}}, "removed": []WorkspaceFolder{},
	}})
	if got := message(); got != "binds Role reader" {
		t.Errorf("in the added folder: %q", got)
	}
	c.notify(methodDidChangeFolders, map[string]any{"event": map[string]any{
		"added": []WorkspaceFolder{}, "removed": []WorkspaceFolder{{URI: pathToURI(dir), Name: "k8s"}},
	}})
	if got := message(); got != "Role reader not found" {
		t.Errorf("after the folder was removed: %q", got)
	}
}
