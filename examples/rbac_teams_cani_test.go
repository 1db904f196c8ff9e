package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/access"
	"github.com/kvet-dev/kvet/internal/cli"
)

// kvet runs the kvet command line in this directory.
func kvet(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// kvet can-i on rbac-teams answers the seed's statements about its
// organisation as the seed states them (lesson 3: developers have full
// access to development and read-only access to production, testers
// development only, DevOps everything; the Pod's ServiceAccount reads
// ConfigMaps in its namespace), each yes through the binding the seed
// writes for it.
func TestRBACTeamsCanI(t *testing.T) {
	for _, c := range []struct {
		args string
		yes  bool
		// binding is the binding that grants a yes, as -v names it.
		binding string
	}{
		// The three statements.
		{"get pods -n production --as tom --as-group testers", false, ""},
		{"delete deployments -n production --as dana --as-group developers", false, ""},
		{"delete deployments -n development --as dana --as-group developers", true, "RoleBinding development/developers-dev-access"},
		// The rest of the model.
		{"get pods -n production --as dana --as-group developers", true, "RoleBinding production/developers-prod-access"},
		{"list deployments.apps -n production --as dana --as-group developers", true, "RoleBinding production/developers-prod-access"},
		{"create pods -n production --as dana --as-group developers", false, ""},
		{"create deployments -n development --as tom --as-group testers", true, "RoleBinding development/testers-dev-access"},
		{"list pods -n default --as tom --as-group testers", false, ""},
		{"delete deployments -n production --as olga --as-group devops", true, "ClusterRoleBinding devops-cluster-admin"},
		{"delete nodes --as olga --as-group devops", true, "ClusterRoleBinding devops-cluster-admin"},
		{"delete nodes --as dana --as-group developers", false, ""},
		// Someone in no team may do nothing.
		{"get pods -n development --as eve", false, ""},
		// The Pod my-app, through its own ServiceAccount.
		{"list configmaps -n default --workload pod/default/my-app", true, "RoleBinding default/my-app-configmap-access"},
		{"get secrets -n default --workload pod/default/my-app", false, ""},
		{"get configmaps -n production --workload pod/default/my-app", false, ""},
	} {
		args := append(append([]string{"can-i"}, strings.Fields(c.args)...), "-v", "rbac-teams")
		code, stdout, stderr := kvet(t, args...)
		answer, want := "no", 1
		if c.yes {
			answer, want = "yes", 0
		}
		if code != want || !strings.HasPrefix(stdout, answer+"\n") || stderr != "" {
			t.Errorf("kvet %s: exit %d, stderr %q, stdout\n%s\nwant %s (exit %d)", strings.Join(args, " "), code, stderr, stdout, answer, want)
			continue
		}
		if grants := strings.Count(stdout, "granted by "); c.yes && (grants != 1 || !strings.Contains(stdout, "granted by "+c.binding+" → ")) {
			t.Errorf("kvet %s: granted %d times, want once by %s:\n%s", strings.Join(args, " "), grants, c.binding, stdout)
		}
	}
}

// kvet can-i --list and kvet access agree: each team's permissions per
// namespace are the same rules, at the same places.
func TestRBACTeamsCanIListIsAccess(t *testing.T) {
	_, stdout, _ := kvet(t, "access", "-f", "json", "rbac-teams")
	var r access.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	for _, team := range []string{"developers", "testers", "devops"} {
		var fromAccess []string
		for _, s := range r.Sets[0].Subjects {
			if s.Kind == "Group" && s.Name == team {
				for _, p := range s.Permissions {
					fromAccess = append(fromAccess, p.Namespace+": "+access.Describe(&p)+" @ "+p.Rule.String())
				}
			}
		}
		code, stdout, stderr := kvet(t, "can-i", "--list", "--as", "someone", "--as-group", team, "-f", "json", "rbac-teams")
		var list struct {
			Sets []struct {
				Permissions []access.Permission `json:"permissions"`
			} `json:"sets"`
		}
		if err := json.Unmarshal([]byte(stdout), &list); err != nil || code != 0 || len(list.Sets) != 1 {
			t.Fatalf("can-i --list %s: exit %d, stderr %q, %v", team, code, stderr, err)
		}
		var fromCanI []string
		for _, p := range list.Sets[0].Permissions {
			fromCanI = append(fromCanI, p.Namespace+": "+access.Describe(&p)+" @ "+p.Rule.String())
		}
		if len(fromAccess) == 0 || !slices.Equal(fromCanI, fromAccess) {
			t.Errorf("%s: can-i --list\n%s\nkvet access\n%s", team, strings.Join(fromCanI, "\n"), strings.Join(fromAccess, "\n"))
		}
	}
}
