package cli_test

import (
	"strings"
	"testing"
)

// TestExcessiveFollowsConfiguration: workload-excessive-permissions rates
// a workload's accesses as the configuration rates the RBAC rules, as kvet
// access does: a rule turned off or down to info no longer makes an access
// excessive, one raised to error does.
func TestExcessiveFollowsConfiguration(t *testing.T) {
	repo(t, map[string]string{"m.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
rules:
- apiGroups: [""]
  resources: ["secrets", "nodes/proxy"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["pods/portforward"]
  verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
subjects:
- {kind: ServiceAccount, name: app, namespace: ns}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  serviceAccountName: app
  containers: [{name: c, image: "x:1", resources: {limits: {cpu: 1, memory: 1}, requests: {cpu: 1, memory: 1}}}]
`})
	const at = "m.yaml:23:23: warning: Pod ns/p runs as ServiceAccount app, which can "
	_, stdout, _ := kvet(t, "lint", "--fail-on", "none", "m.yaml")
	if want := at + "reach the kubelet API through nodes/proxy cluster-wide via ClusterRoleBinding crb → ClusterRole cr (m.yaml:6), and can get secrets cluster-wide"; !strings.Contains(stdout, want) {
		t.Errorf("defaults: want %q in\n%s", want, stdout)
	}
	writeFile(t, ".kvet.yaml", "rules:\n  rbac-secrets-access: {enabled: false}\n  rbac-nodes-proxy: {severity: info}\n  rbac-pod-exec: {severity: error}\n")
	_, stdout, _ = kvet(t, "lint", "--fail-on", "none", "m.yaml")
	if want := at + "port-forward to pods cluster-wide via ClusterRoleBinding crb → ClusterRole cr (m.yaml:9); give it"; !strings.Contains(stdout, want) {
		t.Errorf("configured: want %q in\n%s", want, stdout)
	}
	_, stdout, _ = kvet(t, "access", "m.yaml")
	for _, want := range []string{"info: reach the kubelet API through nodes/proxy (rbac-nodes-proxy)", "error: port-forward to pods (rbac-pod-exec)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("kvet access: want %q in\n%s", want, stdout)
		}
	}
}
