package apiversion_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	admissionv1beta1 "k8s.io/api/admission/v1beta1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"
	admissionregistrationv1beta1 "k8s.io/api/admissionregistration/v1beta1"
	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	apidiscoveryv2beta1 "k8s.io/api/apidiscovery/v2beta1"
	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	authenticationv1 "k8s.io/api/authentication/v1"
	authenticationv1alpha1 "k8s.io/api/authentication/v1alpha1"
	authenticationv1beta1 "k8s.io/api/authentication/v1beta1"
	authorizationv1 "k8s.io/api/authorization/v1"
	authorizationv1beta1 "k8s.io/api/authorization/v1beta1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	certificatesv1 "k8s.io/api/certificates/v1"
	certificatesv1alpha1 "k8s.io/api/certificates/v1alpha1"
	certificatesv1beta1 "k8s.io/api/certificates/v1beta1"
	coordinationv1 "k8s.io/api/coordination/v1"
	coordinationv1alpha2 "k8s.io/api/coordination/v1alpha2"
	coordinationv1beta1 "k8s.io/api/coordination/v1beta1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	discoveryv1beta1 "k8s.io/api/discovery/v1beta1"
	eventsv1 "k8s.io/api/events/v1"
	eventsv1beta1 "k8s.io/api/events/v1beta1"
	extensionsv1beta1 "k8s.io/api/extensions/v1beta1"
	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	flowcontrolv1beta1 "k8s.io/api/flowcontrol/v1beta1"
	flowcontrolv1beta2 "k8s.io/api/flowcontrol/v1beta2"
	flowcontrolv1beta3 "k8s.io/api/flowcontrol/v1beta3"
	lifecyclev1alpha1 "k8s.io/api/lifecycle/v1alpha1"
	networkingv1 "k8s.io/api/networking/v1"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
	nodev1 "k8s.io/api/node/v1"
	nodev1alpha1 "k8s.io/api/node/v1alpha1"
	nodev1beta1 "k8s.io/api/node/v1beta1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1alpha1 "k8s.io/api/rbac/v1alpha1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	resourcev1 "k8s.io/api/resource/v1"
	resourcev1alpha3 "k8s.io/api/resource/v1alpha3"
	resourcev1beta1 "k8s.io/api/resource/v1beta1"
	resourcev1beta2 "k8s.io/api/resource/v1beta2"
	schedulingv1 "k8s.io/api/scheduling/v1"
	schedulingv1alpha3 "k8s.io/api/scheduling/v1alpha3"
	schedulingv1beta1 "k8s.io/api/scheduling/v1beta1"
	storagev1 "k8s.io/api/storage/v1"
	storagev1alpha1 "k8s.io/api/storage/v1alpha1"
	storagev1beta1 "k8s.io/api/storage/v1beta1"
	storagemigrationv1 "k8s.io/api/storagemigration/v1"
	storagemigrationv1beta1 "k8s.io/api/storagemigration/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules/apiversion"
)

// lifecycle is what k8s.io/api's generated prerelease-lifecycle methods
// say about a type.
type lifecycle struct {
	introduced, removed int // minor releases; 0 when not declared
	replacement         schema.GroupVersionKind
}

// k8sAPITypes returns the lifecycle of every kind of every k8s.io/api
// group version (lists left out).
func k8sAPITypes(t *testing.T) map[schema.GroupVersionKind]lifecycle {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		admissionv1.AddToScheme,
		admissionv1beta1.AddToScheme,
		admissionregistrationv1.AddToScheme,
		admissionregistrationv1alpha1.AddToScheme,
		admissionregistrationv1beta1.AddToScheme,
		apidiscoveryv2.AddToScheme,
		apidiscoveryv2beta1.AddToScheme,
		appsv1.AddToScheme,
		appsv1beta1.AddToScheme,
		appsv1beta2.AddToScheme,
		authenticationv1.AddToScheme,
		authenticationv1alpha1.AddToScheme,
		authenticationv1beta1.AddToScheme,
		authorizationv1.AddToScheme,
		authorizationv1beta1.AddToScheme,
		autoscalingv1.AddToScheme,
		autoscalingv2.AddToScheme,
		batchv1.AddToScheme,
		batchv1beta1.AddToScheme,
		certificatesv1.AddToScheme,
		certificatesv1alpha1.AddToScheme,
		certificatesv1beta1.AddToScheme,
		coordinationv1.AddToScheme,
		coordinationv1alpha2.AddToScheme,
		coordinationv1beta1.AddToScheme,
		corev1.AddToScheme,
		discoveryv1.AddToScheme,
		discoveryv1beta1.AddToScheme,
		eventsv1.AddToScheme,
		eventsv1beta1.AddToScheme,
		extensionsv1beta1.AddToScheme,
		flowcontrolv1.AddToScheme,
		flowcontrolv1beta1.AddToScheme,
		flowcontrolv1beta2.AddToScheme,
		flowcontrolv1beta3.AddToScheme,
		lifecyclev1alpha1.AddToScheme,
		networkingv1.AddToScheme,
		networkingv1beta1.AddToScheme,
		nodev1.AddToScheme,
		nodev1alpha1.AddToScheme,
		nodev1beta1.AddToScheme,
		policyv1.AddToScheme,
		policyv1beta1.AddToScheme,
		rbacv1.AddToScheme,
		rbacv1alpha1.AddToScheme,
		rbacv1beta1.AddToScheme,
		resourcev1.AddToScheme,
		resourcev1alpha3.AddToScheme,
		resourcev1beta1.AddToScheme,
		resourcev1beta2.AddToScheme,
		schedulingv1.AddToScheme,
		schedulingv1alpha3.AddToScheme,
		schedulingv1beta1.AddToScheme,
		storagev1.AddToScheme,
		storagev1alpha1.AddToScheme,
		storagev1beta1.AddToScheme,
		storagemigrationv1.AddToScheme,
		storagemigrationv1beta1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	type (
		introduced  interface{ APILifecycleIntroduced() (int, int) }
		removed     interface{ APILifecycleRemoved() (int, int) }
		replacement interface {
			APILifecycleReplacement() schema.GroupVersionKind
		}
	)
	out := map[schema.GroupVersionKind]lifecycle{}
	for gvk, typ := range scheme.AllKnownTypes() {
		if strings.HasSuffix(gvk.Kind, "List") || typ.PkgPath() == "k8s.io/apimachinery/pkg/apis/meta/v1" {
			continue
		}
		obj := reflect.New(typ).Interface()
		var lc lifecycle
		if o, ok := obj.(introduced); ok {
			major, minor := o.APILifecycleIntroduced()
			if major != 1 {
				t.Fatalf("%v introduced in %d.%d", gvk, major, minor)
			}
			lc.introduced = minor
		}
		if o, ok := obj.(removed); ok {
			major, minor := o.APILifecycleRemoved()
			if major != 1 {
				t.Fatalf("%v removed in %d.%d", gvk, major, minor)
			}
			lc.removed = minor
		}
		if o, ok := obj.(replacement); ok {
			lc.replacement = o.APILifecycleReplacement()
		}
		out[gvk] = lc
	}
	return out
}

func gvkOf(apiVersion, kind string) schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(apiVersion, kind)
}

// notServed are kinds with a removal release in k8s.io/api that are not API
// resources one writes in a manifest: subresources and payloads.
var notServed = map[string]string{
	"Scale":              "the scale subresource",
	"DeploymentRollback": "the rollback subresource",
	"Eviction":           "the eviction subresource",
	"AdmissionReview":    "the payload of admission webhooks, never served by the API server",
	"APIGroupDiscovery":  "the discovery document",
}

// sinceFromGuide are replacements whose "available since" release in the
// migration guide differs from the APILifecycleIntroduced of the k8s.io/api
// type; the table follows the guide.
var sinceFromGuide = map[string]int{
	"authorization.k8s.io/v1 LocalSubjectAccessReview": 19, // the guide: 1.6, with the group
	"authorization.k8s.io/v1 SelfSubjectAccessReview":  19,
	"authorization.k8s.io/v1 SelfSubjectRulesReview":   19,
	"storage.k8s.io/v1 CSIDriver":                      18, // the guide: 1.19
	"networking.k8s.io/v1 NetworkPolicy":               7,  // the guide: 1.8
}

// TestTableMatchesK8sAPI checks the table against the k8s.io/api types kvet
// is built with: every type removed up to the newest release kvet knows is
// in the table with that release, every table entry whose type still
// exists has the release k8s.io/api declares, replacements include the one
// k8s.io/api names, and "since" releases match the replacements'
// introduction (or the guide, where listed above).
func TestTableMatchesK8sAPI(t *testing.T) {
	types := k8sAPITypes(t)
	newest := analyzer.NewestKubeVersion.Minor
	table := map[schema.GroupVersionKind]apiversion.Removal{}
	for _, r := range apiversion.Removals() {
		gvk := gvkOf(r.APIVersion, r.Kind)
		if _, dup := table[gvk]; dup {
			t.Errorf("%s %s is listed twice", r.APIVersion, r.Kind)
		}
		table[gvk] = r
	}

	for gvk, lc := range types {
		if lc.removed == 0 || lc.removed > newest || notServed[gvk.Kind] != "" {
			continue
		}
		r, ok := table[gvk]
		if !ok {
			t.Errorf("k8s.io/api: %s %s is removed in 1.%d, and the table does not list it", gvk.GroupVersion(), gvk.Kind, lc.removed)
			continue
		}
		if lc.replacement.Kind != "" && !slices.ContainsFunc(r.Replacements, func(x apiversion.Replacement) bool {
			return x.APIVersion == lc.replacement.GroupVersion().String()
		}) {
			t.Errorf("%s %s: k8s.io/api names the replacement %s, the table %v", r.APIVersion, r.Kind, lc.replacement.GroupVersion(), r.Replacements)
		}
	}

	for gvk, r := range table {
		name := r.APIVersion + " " + r.Kind
		switch r.Source {
		case "guide", "catalog", "k8s.io/api", "changelog":
		default:
			t.Errorf("%s: unknown source %q", name, r.Source)
		}
		if r.RemovedIn < 6 || r.RemovedIn > newest {
			t.Errorf("%s: removed in 1.%d, outside 1.6..%s", name, r.RemovedIn, analyzer.NewestKubeVersion)
		}
		if len(r.Replacements) == 0 && r.Instead == "" {
			t.Errorf("%s: no replacement and no advice", name)
		}
		if lc, ok := types[gvk]; ok {
			switch {
			case lc.removed != 0 && lc.removed != r.RemovedIn:
				t.Errorf("%s: removed in 1.%d, k8s.io/api says 1.%d", name, r.RemovedIn, lc.removed)
			case lc.removed == 0 && r.Source != "catalog" && r.Source != "changelog":
				t.Errorf("%s: k8s.io/api declares no removal for it (source %s)", name, r.Source)
			}
		} else if r.Source == "k8s.io/api" {
			t.Errorf("%s: source k8s.io/api, but k8s.io/api has no such type", name)
		}
		if len(r.Replacements) > 0 && !slices.ContainsFunc(r.Replacements, func(x apiversion.Replacement) bool { return x.Since <= r.RemovedIn }) {
			t.Errorf("%s: no replacement is served in 1.%d, when it was removed", name, r.RemovedIn)
		}
		for _, x := range r.Replacements {
			key := x.APIVersion + " " + r.Kind
			lc, ok := types[gvkOf(x.APIVersion, r.Kind)]
			if !ok || lc.introduced == 0 {
				continue // not in k8s.io/api (apiextensions, apiregistration, autoscaling/v2beta*)
			}
			want := lc.introduced
			if g, ok := sinceFromGuide[key]; ok {
				if g != lc.introduced {
					t.Errorf("sinceFromGuide[%q] = 1.%d, but k8s.io/api says 1.%d now", key, g, lc.introduced)
				}
				continue
			}
			if x.Since != want {
				t.Errorf("%s: replacement %s served since 1.%d, k8s.io/api says 1.%d", name, x.APIVersion, x.Since, want)
			}
		}
	}
}

// TestNewestIsK8sAPI ties the newest release kvet knows to the k8s.io/api
// module it is built with: upgrading k8s.io/api means reviewing the table
// for the releases in between.
func TestNewestIsK8sAPI(t *testing.T) {
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/api v0\.(\d+)\.`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod does not require k8s.io/api v0.x")
	}
	if string(m[1]) != strconv.Itoa(analyzer.NewestKubeVersion.Minor) {
		t.Errorf("go.mod requires k8s.io/api v0.%s, but analyzer.NewestKubeVersion is %s: review rules/apiversion/removed.go for the releases in between, then update it",
			m[1], analyzer.NewestKubeVersion)
	}
}

// kubeVersionName matches API version names: v1, v2beta1, v1alpha1.
var kubeVersionName = regexp.MustCompile(`^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$`)

// TestCorpusRemovedAPIs lints the public manifests of ../shared/corpus/real
// (skipped without it) for the newest release and checks the rule against
// k8s.io/api rather than against its own table: every object of a built-in
// group whose version no longer serves any kind is reported, and no object
// of a kind k8s.io/api still serves is.
func TestCorpusRemovedAPIs(t *testing.T) {
	real := filepath.Join("..", "..", "..", "shared", "corpus", "real")
	if _, err := os.Stat(real); err != nil {
		t.Skipf("no corpus beside the repository: %v", err)
	}
	var files []string
	err := filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			switch filepath.Ext(p) {
			case ".yaml", ".yml", ".json":
				files = append(files, p)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	types := k8sAPITypes(t)
	newest := analyzer.NewestKubeVersion.Minor
	// Built-in groups whose types live outside k8s.io/api
	// (k8s.io/apiextensions-apiserver, k8s.io/kube-aggregator).
	servedGV := map[schema.GroupVersion]bool{
		{Group: "apiextensions.k8s.io", Version: "v1"}:   true,
		{Group: "apiregistration.k8s.io", Version: "v1"}: true,
	}
	builtinGroup := map[string]bool{"apiextensions.k8s.io": true, "apiregistration.k8s.io": true}
	for gvk, lc := range types {
		builtinGroup[gvk.Group] = true
		if lc.removed == 0 || lc.removed > newest {
			servedGV[gvk.GroupVersion()] = true
		}
	}
	served := func(gvk schema.GroupVersionKind) bool {
		lc, ok := types[gvk]
		return ok && (lc.removed == 0 || lc.removed > newest)
	}
	ctx := context.Background()
	set := analyzer.NewLoader(nil).Load(ctx, files)
	res := analyzer.Run(ctx, set, rules(), analyzer.Options{})
	for _, err := range append(set.Errors, res.Errors...) {
		t.Error(err)
	}
	// Objects are told apart by file and reference (a file that holds
	// the same object twice counts once).
	type place struct {
		file string
		ref  analyzer.ObjectRef
	}
	reportedAt := map[place]bool{}
	for _, diag := range res.Diagnostics {
		reportedAt[place{diag.File, diag.Object}] = true
	}
	reported := map[*analyzer.Document]bool{}
	for _, d := range set.Docs {
		reported[d] = reportedAt[place{d.File.Path, d.Ref()}]
	}
	caught := 0
	for _, d := range set.Docs {
		gvk := gvkOf(d.APIVersion, d.Kind)
		switch {
		case served(gvk) && reported[d]:
			t.Errorf("%s:%d: %s %s is served by Kubernetes %s, and reported", d.File.Path, d.Line(), d.APIVersion, d.Kind, analyzer.NewestKubeVersion)
		case builtinGroup[gvk.Group] && kubeVersionName.MatchString(gvk.Version) && !servedGV[gvk.GroupVersion()] && !reported[d]:
			t.Errorf("%s:%d: %s %s: no kind of %s is served any more, and it is not reported", d.File.Path, d.Line(), d.APIVersion, d.Kind, gvk.GroupVersion())
		}
		if reported[d] {
			caught++
		}
	}
	t.Logf("%d of %d documents use an apiVersion that Kubernetes %s no longer serves", caught, len(set.Docs), analyzer.NewestKubeVersion)
}
