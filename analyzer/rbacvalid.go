package analyzer

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/validate/content"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// IsDNSSubdomain reports whether s is a DNS-1123 subdomain, the name of
// most Kubernetes objects (a ServiceAccount's): at most 253 characters,
// dot-separated labels of lower-case letters, digits and '-' that start
// and end with a letter or digit, as apimachinery's IsDNS1123Subdomain
// checks, without its regular expression (every subject of every binding
// is checked, twice).
func IsDNSSubdomain(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	start := 0 // of the current label
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			c := s[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
			continue
		}
		if i == start || s[start] == '-' || s[i-1] == '-' {
			return false // empty label, or one that starts or ends with '-'
		}
		start = i + 1
	}
	return true
}

// Rejection is one reason the API server's validation of RBAC objects
// (k8s.io/kubernetes pkg/apis/rbac/validation: ValidateRBACName,
// ValidatePolicyRule, ValidateClusterRole's aggregationRule,
// ValidateRoleBinding, ValidateRoleBindingSubject) rejects a Role,
// ClusterRole, RoleBinding or ClusterRoleBinding that decodes: such an
// object is never created (kubectl apply fails), so it grants nothing.
type Rejection struct {
	// Path is the field at fault (a missing one where it is required).
	Path Path
	// Message says why, without the path.
	Message string
	// RuleID is the rule that reports it: invalid-value (the loader), or
	// the rule of the catalog that reports the case in its own words.
	RuleID string
}

// IDs of the rules of the catalog that report some Rejections in their
// own words.
const (
	idRoleRefKindInvalid      = "rbac-role-ref-kind-invalid"
	idRoleRefNotFound         = "rbac-role-ref-not-found"
	idSubjectNamespaceMissing = "rbac-subject-namespace-missing"
)

// subjectKinds are the kinds of a binding's subjects.
var subjectKinds = []string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}

// RBACRejections returns why the API server rejects obj, a decoded Role,
// ClusterRole, RoleBinding or ClusterRoleBinding, in field order, with its
// defaults applied (an empty roleRef.apiGroup, or a User or Group
// subject's, is rbac.authorization.k8s.io); nil when it accepts obj, or
// obj is of another kind. kvet's RBAC model leaves out the objects it
// rejects, and the loader reports the Rejections of RuleID invalid-value:
// both read this one function.
func RBACRejections(obj any) []Rejection {
	switch o := obj.(type) {
	case *rbacv1.Role:
		return append(nameRejections(o.Name), policyRuleRejections(o.Rules, true)...)
	case *rbacv1.ClusterRole:
		out := append(nameRejections(o.Name), policyRuleRejections(o.Rules, false)...)
		return append(out, aggregationRejections(o.AggregationRule)...)
	case *rbacv1.RoleBinding:
		return append(nameRejections(o.Name), bindingRejections(o.RoleRef, o.Subjects, true)...)
	case *rbacv1.ClusterRoleBinding:
		return append(nameRejections(o.Name), bindingRejections(o.RoleRef, o.Subjects, false)...)
	}
	return nil
}

// nameRejections checks the name of an RBAC object as ValidateRBACName
// does: it is a segment of the object's URL path, so it may not be "." or
// "..", nor contain "/" or "%" (path.IsValidPathSegmentName). A missing
// name is not checked here.
func nameRejections(name string) []Rejection {
	if name == "" {
		return nil
	}
	if why := content.IsPathSegmentName(name); len(why) > 0 {
		return []Rejection{{Path: NewPath("metadata", "name"), RuleID: IDInvalidValue,
			Message: fmt.Sprintf("invalid name %s: it %s (the name of an RBAC object is a segment of its URL path)", Quote(name), strings.Join(why, " and "))}}
	}
	return nil
}

// selectorOperators are the operators of a label selector's expression.
var selectorOperators = []string{string(metav1.LabelSelectorOpIn), string(metav1.LabelSelectorOpNotIn),
	string(metav1.LabelSelectorOpExists), string(metav1.LabelSelectorOpDoesNotExist)}

// aggregationRejections checks a ClusterRole's aggregationRule as
// ValidateClusterRole does: at least one selector, each valid as
// apimachinery's ValidateLabelSelector checks it on create (label keys
// and values, operators and their values).
func aggregationRejections(agg *rbacv1.AggregationRule) []Rejection {
	if agg == nil {
		return nil
	}
	selectors := NewPath("aggregationRule", "clusterRoleSelectors")
	if len(agg.ClusterRoleSelectors) == 0 {
		return []Rejection{{Path: selectors, RuleID: IDInvalidValue,
			Message: "an aggregationRule must list at least one ClusterRole selector (or be left out)"}}
	}
	var out []Rejection
	reject := func(path Path, format string, args ...any) {
		out = append(out, Rejection{Path: path, Message: fmt.Sprintf(format, args...), RuleID: IDInvalidValue})
	}
	label := func(path Path, key string) {
		if why := validation.IsQualifiedName(key); len(why) > 0 {
			reject(path, "invalid label key %s: %s", Quote(key), strings.Join(why, "; "))
		}
	}
	value := func(path Path, v string) {
		if why := validation.IsValidLabelValue(v); len(why) > 0 {
			reject(path, "invalid label value %s: %s", Quote(v), strings.Join(why, "; "))
		}
	}
	for i, sel := range agg.ClusterRoleSelectors {
		at := selectors.Index(i)
		for _, k := range slices.Sorted(maps.Keys(sel.MatchLabels)) {
			label(at.Key("matchLabels", k), k)
			value(at.Key("matchLabels", k), sel.MatchLabels[k])
		}
		for j, expr := range sel.MatchExpressions {
			e := at.Key("matchExpressions").Index(j)
			switch expr.Operator {
			case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
				if len(expr.Values) == 0 {
					reject(e.Key("values"), "operator %s needs at least one value", expr.Operator)
				}
			case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
				if len(expr.Values) > 0 {
					reject(e.Key("values"), "operator %s takes no values (remove them)", expr.Operator)
				}
			case "":
				reject(e.Key("operator"), "a selector expression's operator is required: one of %s", strings.Join(selectorOperators, ", "))
			default:
				reject(e.Key("operator"), "%s", enumProblem(string(expr.Operator), selectorOperators))
			}
			label(e.Key("key"), expr.Key)
			for k, v := range expr.Values {
				value(e.Key("values").Index(k), v)
			}
		}
	}
	return out
}

// policyRuleRejections checks the rules of a Role (namespaced) or
// ClusterRole as ValidatePolicyRule does.
func policyRuleRejections(rules []rbacv1.PolicyRule, namespaced bool) []Rejection {
	var out []Rejection
	for i, r := range rules {
		reject := func(field, msg string) {
			out = append(out, Rejection{Path: NewPath("rules", i, field), Message: msg, RuleID: IDInvalidValue})
		}
		if len(r.Verbs) == 0 {
			reject("verbs", "a rule must list at least one verb")
		}
		if len(r.NonResourceURLs) > 0 {
			if namespaced {
				reject("nonResourceURLs", "a Role's rules cannot apply to non-resource URLs, which are not namespaced (grant them in a ClusterRole)")
			}
			if len(r.APIGroups) > 0 || len(r.Resources) > 0 || len(r.ResourceNames) > 0 {
				reject("nonResourceURLs", "a rule cannot apply to both resources (apiGroups, resources, resourceNames) and non-resource URLs (write two rules)")
			}
			continue
		}
		if len(r.APIGroups) == 0 {
			reject("apiGroups", `a resource rule must list at least one API group ("" is the core group)`)
		}
		if len(r.Resources) == 0 {
			reject("resources", "a resource rule must list at least one resource")
		}
	}
	return out
}

// bindingRejections checks the roleRef and subjects of a RoleBinding
// (namespaced) or ClusterRoleBinding as ValidateRoleBinding,
// ValidateClusterRoleBinding and ValidateRoleBindingSubject do (after
// defaulting).
func bindingRejections(ref rbacv1.RoleRef, subjects []rbacv1.Subject, namespaced bool) []Rejection {
	var out []Rejection
	reject := func(path Path, ruleID, format string, args ...any) {
		out = append(out, Rejection{Path: path, Message: fmt.Sprintf(format, args...), RuleID: ruleID})
	}
	if ref.APIGroup != "" && ref.APIGroup != rbacv1.GroupName {
		reject(NewPath("roleRef", "apiGroup"), IDInvalidValue, "invalid value %s: must be %s (or left out)", Quote(ref.APIGroup), rbacv1.GroupName)
	}
	switch {
	case ref.Kind == "Role" && !namespaced:
		reject(NewPath("roleRef", "kind"), idRoleRefKindInvalid, "a ClusterRoleBinding can only bind a ClusterRole, not a Role")
	case ref.Kind != "Role" && ref.Kind != "ClusterRole":
		reject(NewPath("roleRef", "kind"), idRoleRefKindInvalid, "invalid value %s: must be Role or ClusterRole", Quote(ref.Kind))
	}
	if ref.Name == "" {
		reject(NewPath("roleRef", "name"), idRoleRefNotFound, "the name of the role to bind is required")
	} else if why := content.IsPathSegmentName(ref.Name); len(why) > 0 {
		reject(NewPath("roleRef", "name"), IDInvalidValue, "invalid role name %s: it %s (no role can have such a name)", Quote(ref.Name), strings.Join(why, " and "))
	}
	for i, s := range subjects {
		if s.Name == "" {
			reject(NewPath("subjects", i, "name"), IDInvalidValue, "a subject's name is required")
		}
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			if s.Name != "" && !IsDNSSubdomain(s.Name) {
				reject(NewPath("subjects", i, "name"), IDInvalidValue,
					"invalid ServiceAccount name %s: it must consist of lower case letters, digits, '-' and '.', and start and end with a letter or digit", Quote(s.Name))
			}
			if s.APIGroup != "" {
				reject(NewPath("subjects", i, "apiGroup"), IDInvalidValue, `invalid value %s: a ServiceAccount subject's apiGroup must be "" (or left out)`, Quote(s.APIGroup))
			}
			if !namespaced && s.Namespace == "" {
				reject(NewPath("subjects", i, "namespace"), idSubjectNamespaceMissing, "a ServiceAccount subject of a ClusterRoleBinding needs a namespace")
			}
		case rbacv1.UserKind, rbacv1.GroupKind:
			if s.APIGroup != "" && s.APIGroup != rbacv1.GroupName {
				reject(NewPath("subjects", i, "apiGroup"), IDInvalidValue, "invalid value %s: a %s subject's apiGroup must be %s (or left out)", Quote(s.APIGroup), s.Kind, rbacv1.GroupName)
			}
		case "":
			reject(NewPath("subjects", i, "kind"), IDInvalidValue, "a subject's kind is required: one of %s", strings.Join(subjectKinds, ", "))
		default:
			reject(NewPath("subjects", i, "kind"), IDInvalidValue, "%s", enumProblem(s.Kind, subjectKinds))
		}
	}
	return out
}
