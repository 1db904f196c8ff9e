package rules_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules"
)

// TestFolderSpellings checks that the folder of manifests without
// metadata.namespace is one folder however their paths are spelled
// (relative, absolute, through a symbolic link to it): a RoleBinding
// binds the Role of its folder, a StatefulSet runs as the ServiceAccount
// of its folder (whose other ServiceAccount, builder, makes
// service-account-not-found look there) and governs the headless Service
// of its folder. Of another
// folder, the findings name each folder as the command line did.
func TestFolderSpellings(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"k8s", "other"} {
		analyzertest.WriteFile(t, filepath.Join(dir, d, "role.yaml"),
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\nrules:\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n")
		analyzertest.WriteFile(t, filepath.Join(dir, d, "svc.yaml"),
			"apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n")
		analyzertest.WriteFile(t, filepath.Join(dir, d, "sa.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n")
	}
	analyzertest.WriteFile(t, filepath.Join(dir, "k8s", "binding.yaml"),
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: reader}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects:\n- {kind: ServiceAccount, name: app}\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "k8s", "sts.yaml"),
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n"+
			"    metadata: {labels: {app: db}}\n    spec:\n      serviceAccountName: app\n      containers: [{name: db, image: \"postgres:17\"}]\n"+
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder}\n")
	if err := os.Symlink("k8s", filepath.Join(dir, "lk")); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	t.Chdir(dir)
	var set []*analyzer.Rule
	for _, r := range rules.All() {
		if r.RunSet != nil {
			set = append(set, r)
		}
	}
	abs := filepath.Join(dir, "k8s")
	for _, tc := range []struct {
		role, rest string // folders of role.yaml, svc.yaml, sa.yaml; of binding.yaml, sts.yaml
		want       []string
	}{
		{"k8s", "k8s", nil},
		{"k8s", abs, nil},
		{abs, "k8s", nil},
		{"k8s", "lk", nil},
		{"lk", abs, nil},
		{"other", "lk", []string{
			"lk/binding.yaml:4:66 rbac-role-ref-not-found: RoleBinding default/reader refers to Role reader, which the set does not define in namespace default " +
				"(it defines one in folder other: manifests without metadata.namespace go wherever their folder is applied, so it is not necessarily in the binding's namespace): " +
				"the binding grants nothing until it exists → other/role.yaml:3:18 Role reader is defined here, without metadata.namespace, in folder other",
			"lk/sts.yaml:10:27 service-account-not-found: StatefulSet default/db runs as ServiceAccount app, which the set does not define in namespace default " +
				"(it defines one in folder other: manifests without metadata.namespace go wherever their folder is applied, so it is not necessarily in the workload's namespace): " +
				"the API server refuses to create its pods until the ServiceAccount exists → other/sa.yaml:3:18 ServiceAccount app is defined here, without metadata.namespace, in folder other",
			"other/svc.yaml:5:14 service-headless-load-balancing: Service default/db is headless (clusterIP: None) and no StatefulSet in the set names it as serviceName, nor any pod as its subdomain " +
				"(the one that does is in folder lk: manifests without metadata.namespace go wherever their folder is applied, so it is not necessarily in the Service's namespace): " +
				"clients balance by DNS round robin, keep stale pod addresses for up to ~20 s after a pod goes away and load DNS on every connection; remove clusterIP: None to get a ClusterIP Service " +
				"→ lk/sts.yaml:5:16 StatefulSet db of folder lk names db here",
		}},
	} {
		paths := []string{filepath.Join(tc.role, "role.yaml"), filepath.Join(tc.role, "svc.yaml"), filepath.Join(tc.role, "sa.yaml"),
			filepath.Join(tc.rest, "binding.yaml"), filepath.Join(tc.rest, "sts.yaml")}
		s, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), paths, set, analyzer.Options{})
		for _, err := range append(s.Errors, res.Errors...) {
			t.Fatal(err)
		}
		var got []string
		for _, d := range res.Diagnostics {
			line := fmt.Sprintf("%s:%d:%d %s: %s", filepath.ToSlash(d.File), d.Range.Start.Line, d.Range.Start.Column, d.RuleID, d.Message)
			for _, r := range d.Related {
				line += fmt.Sprintf(" → %s:%d:%d %s", filepath.ToSlash(r.File), r.Range.Start.Line, r.Range.Start.Column, r.Message)
			}
			got = append(got, line)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("lint %s:\n%s\nwant\n%s", strings.Join(paths, " "), strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}
