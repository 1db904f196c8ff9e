// Package bootstrap reads the bootstrap policy files of Kubernetes (the
// ClusterRoles and Roles an API server creates at start-up) that kvet's
// tables of built-in roles are generated from.
package bootstrap

import (
	"bytes"
	"encoding/json"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
	rbacv1 "k8s.io/api/rbac/v1"
)

// Version is the Kubernetes release the files come from.
const Version = "v1.37.2"

// Files are the bootstrap policy files of ClusterRoles, relative to the
// rbac package directory: copies of
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml
// and controller-roles.yaml of k8s.io/kubernetes at Version.
func Files() []string {
	return []string{"bootstrap/cluster-roles.yaml", "bootstrap/controller-roles.yaml"}
}

// RoleFiles are the bootstrap policy files of Roles (the Roles an API
// server creates in kube-system and kube-public): a copy of
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/namespace-roles.yaml
// of k8s.io/kubernetes at Version.
func RoleFiles() []string {
	return []string{"bootstrap/namespace-roles.yaml"}
}

// Parse decodes one file (a v1 List of kind, ClusterRole or Role) strictly:
// a field that the ClusterRole type does not have is an error, so nothing
// of the source is silently left out of the table. A Role is returned as
// a ClusterRole with its namespace (the types differ only by the
// aggregation rule, which a Role cannot have).
func Parse(name string, data []byte, kind string) ([]rbacv1.ClusterRole, error) {
	var generic any
	if err := yaml.Unmarshal(data, &generic); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	js, err := json.Marshal(generic)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var list rbacv1.ClusterRoleList
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", name, err)
	}
	if list.Kind != "List" || len(list.Items) == 0 {
		return nil, fmt.Errorf("decoding %s: want a List of %ss, got kind %q with %d items", name, kind, list.Kind, len(list.Items))
	}
	for i, r := range list.Items {
		namespaced := r.Namespace != ""
		if r.Kind != kind || r.Name == "" || namespaced != (kind == "Role") || namespaced && r.AggregationRule != nil {
			return nil, fmt.Errorf("decoding %s: item %d is %s %s/%s, want a named %s", name, i, r.Kind, r.Namespace, r.Name, kind)
		}
	}
	return list.Items, nil
}
