package engine

import (
	"reflect"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules/apiversion"
)

// apiVersions returns .Capabilities.APIVersions for the target release:
// the group/versions and group/version/Kinds ("batch/v1",
// "batch/v1/CronJob") of the API resources that Helm's packages know
// (client-go's scheme, with the CustomResourceDefinitions Helm adds to
// it) and that the target serves, as a cluster's discovery would give
// them to helm install: not one the target no longer serves (by the
// table of deprecated-api-version, else by the removal release of the
// k8s.io/api type), nor one newer than it (by the
// release a prerelease type was introduced in, or a removed version's
// replacement was first served in). The types of that table that the
// scheme no longer has (autoscaling/v2beta1, policy/v1beta1
// PodSecurityPolicy) are listed from the table alone, as the rule judges
// them: served before their removal, and from the release they first
// replaced another in where the table says. Helm's default lists every
// group/version client-go knows, whatever the release, and no Kinds, so
// `.Capabilities.APIVersions.Has "batch/v1/CronJob"` chose batch/v1beta1,
// which no release since 1.25 serves.
func apiVersions(target analyzer.KubeVersion) []string {
	removals := apiversion.Removals()
	removed := map[string]int{} // "group/version/Kind": the release removing it
	since := map[string]int{}   // a replacement's: the first release serving it
	for _, r := range removals {
		removed[r.APIVersion+"/"+r.Kind] = r.RemovedIn
		for _, rep := range r.Replacements {
			k := rep.APIVersion + "/" + r.Kind
			if s, ok := since[k]; !ok || rep.Since < s {
				since[k] = rep.Since
			}
		}
	}
	objectMeta := reflect.TypeFor[metav1.ObjectMeta]()
	var out []string
	for gvk, typ := range scheme.Scheme.AllKnownTypes() {
		// A resource has object metadata; lists and options do not.
		if f, ok := typ.FieldByName("ObjectMeta"); !ok || f.Type != objectMeta || gvk.Version == runtime.APIVersionInternal {
			continue
		}
		gv := gvk.GroupVersion().String()
		key := gv + "/" + gvk.Kind
		if minor, ok := removed[key]; ok && target.AtLeast(minor) {
			continue
		}
		if minor, ok := since[key]; ok && !target.AtLeast(minor) {
			continue
		}
		obj := reflect.New(typ).Interface()
		if l, ok := obj.(interface{ APILifecycleIntroduced() (int, int) }); ok {
			if major, minor := l.APILifecycleIntroduced(); target.Less(analyzer.KubeVersion{Major: major, Minor: minor}) {
				continue
			}
		}
		// The subresources the table leaves out (apps/v1beta1 Scale, policy/v1beta1
		// Eviction) go with their group/version; the table lists every
		// other type k8s.io/api removes (apiversion's TestTableMatchesK8sAPI).
		if l, ok := obj.(interface{ APILifecycleRemoved() (int, int) }); ok && removed[key] == 0 {
			if major, minor := l.APILifecycleRemoved(); !target.Less(analyzer.KubeVersion{Major: major, Minor: minor}) {
				continue
			}
		}
		out = append(out, gv, key)
	}
	for _, r := range removals {
		key := r.APIVersion + "/" + r.Kind
		gv, err := schema.ParseGroupVersion(r.APIVersion)
		if err != nil || scheme.Scheme.Recognizes(gv.WithKind(r.Kind)) || target.AtLeast(r.RemovedIn) {
			continue // the scheme's own types are judged above
		}
		if minor, ok := since[key]; ok && !target.AtLeast(minor) {
			continue
		}
		out = append(out, r.APIVersion, key)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
