package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/access"
	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// canIFlags are the flags of kvet can-i: who asks (--as, --as-group,
// --workload), where (-n, -A), how to answer (-v, --list, --format), and
// the settings it shares with kvet lint (configuration, rendering, bounds)
// in lintFlags.
type canIFlags struct {
	lintFlags
	as            string
	asGroups      []string
	workload      string
	namespace     string
	allNamespaces bool
	verbose       bool
	list          bool
	answerFormat  string
}

// Exit codes of kvet can-i (errors are ExitError).
const (
	canIYes = 0
	canINo  = 1
)

func (a *app) canICmd() *cobra.Command {
	f := canIFlags{lintFlags: lintFlags{failOn: "none"}}
	cmd := &cobra.Command{
		Use:   "can-i VERB RESOURCE[/SUBRESOURCE] [NAME] (--as USER | --workload KIND/NS/NAME) [flags] [PATH...]",
		Short: "Answer whether a user or a workload may do something, from the manifests' RBAC objects (offline kubectl auth can-i)",
		Long: "Answer \"may this subject do VERB on RESOURCE (named NAME) in namespace NS?\" from the Roles, ClusterRoles, " +
			"RoleBindings and ClusterRoleBindings of the manifests (and the ClusterRoles built into Kubernetes), as the " +
			"API server's RBAC authorizer would: yes or no, like kubectl auth can-i, without a cluster. The subject is " +
			"--as USER (with --as-group GROUP...; --as system:serviceaccount:NS:NAME for a ServiceAccount) or " +
			"--workload KIND/NS/NAME (the ServiceAccount its pods run as). -v shows the grant chain of a yes with " +
			"file:line:col; --list prints every permission of the subject per namespace instead.\n\n" +
			"RESOURCE is named as kubectl names it (pods, po, deployments.apps, pods/log; a path such as /healthz for " +
			"a non-resource URL). A third argument is the object's NAME when it is a valid object name and no such file " +
			"exists; put PATHs after -- to leave no doubt. PATH, discovery, configuration and rendering are as for " +
			"kvet lint (each rendered Kustomize overlay or Helm chart is answered on its own line).\n\n" +
			"Exit status: 0 for yes (in every set of manifests), 1 for no, 2 for errors (usage, configuration, a path " +
			"that cannot be read, a --workload the manifests do not have), 130 when interrupted by Ctrl-C. With --list, 0 " +
			"or 2.",
		Example: "  kvet can-i get pods -n production --as jane --as-group testers k8s/\n" +
			"  kvet can-i delete deployments -n production --as jane --as-group developers -v k8s/\n" +
			"  kvet can-i list secrets -n billing --workload cronjob/billing/invoice-export k8s/\n" +
			"  kvet can-i get pods/log my-pod -n dev --as system:serviceaccount:dev:ci -- k8s/\n" +
			"  kvet can-i --list --as system:serviceaccount:billing:exporter -f json k8s/",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.canI(cmd, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.as, "as", "", "the `USER` who asks (system:serviceaccount:NS:NAME for a ServiceAccount)")
	fl.StringArrayVar(&f.asGroups, "as-group", nil, "a `GROUP` the user is in (repeat for several)")
	fl.StringVar(&f.workload, "workload", "", "ask as the ServiceAccount the pods of `KIND/NS/NAME` run as (cronjob/billing/export)")
	fl.StringVarP(&f.namespace, "namespace", "n", "", "the namespace `NS` of the request (default \"default\"; ignored for cluster-scoped resources and non-resource URLs)")
	fl.BoolVarP(&f.allNamespaces, "all-namespaces", "A", false, "ask for all namespaces at once (only ClusterRoleBindings can grant it)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "show what grants a yes (binding → role → rule, file:line:col), or why the answer is no")
	fl.BoolVar(&f.list, "list", false, "print every permission of the subject per namespace instead of answering a question")
	fl.StringVarP(&f.answerFormat, "format", "f", "text", "output `FORMAT`: text or json")
	addRBACInputFlags(cmd, &f.lintFlags)
	return cmd
}

// canIQuestion is what kvet can-i is asked: the request (unless --list)
// and the paths to read.
type canIQuestion struct {
	request rbac.Request
	// resource is the request's resource as kubectl names it, for
	// messages: "deployments.apps", "pods/log", "/healthz".
	resource string
	paths    []string
}

func (a *app) canI(cmd *cobra.Command, f *canIFlags, args []string) error {
	q, err := a.parseCanI(f, args, cmd.ArgsLenAtDash())
	if err != nil {
		return usageError{err}
	}
	run, err := a.readRBAC(cmd, &f.lintFlags, q.paths)
	if err != nil {
		return err
	}
	if cmd.Context().Err() != nil {
		fmt.Fprintln(a.stderr, "kvet: interrupted: no answer")
		return errInterrupted
	}
	a.warn(run, f.quiet, q.paths)
	answers, err := f.answer(q, run.sets, run.lt.Options.Rating())
	if err != nil {
		return err
	}
	out := &strings.Builder{}
	if f.answerFormat == "json" {
		err = canIJSON(out, f, q, answers)
	} else {
		canIText(out, f, q, answers)
	}
	if err != nil {
		return err
	}
	if _, err := io.WriteString(a.stdout, out.String()); err != nil {
		return err
	}
	a.code = canIYes
	if !f.list && slices.ContainsFunc(answers, func(s canISet) bool { return !s.allowed }) {
		a.code = canINo
	}
	if a.printErrors(slices.Concat(run.set.Errors, run.res.Errors)) {
		a.code = ExitError
	}
	return nil
}

// canISet is the answer of one set of documents.
type canISet struct {
	set     rbacSet
	user    rbac.User
	allowed bool
	// grants are the permissions that allow the request (--list: every
	// permission of the user); bindings is the number of bindings that
	// apply to the user.
	grants   []access.Permission
	bindings int
	// workload is the --workload in this set.
	workload *rbac.Workload
}

// answer asks each set. With --workload, the sets without that workload
// are left out; none having it is an error.
func (f *canIFlags) answer(q canIQuestion, sets []rbacSet, rate access.Rating) ([]canISet, error) {
	var out []canISet
	if len(sets) == 0 {
		sets = []rbacSet{{Model: rbac.Build(nil)}} // nothing read: every answer is no
	}
	for _, s := range sets {
		ans := canISet{set: s}
		if f.workload != "" {
			ws := findWorkloads(s.Model, f.workload)
			if len(ws) == 0 {
				continue
			}
			if len(ws) > 1 {
				at := make([]string, len(ws))
				for i, w := range ws {
					at[i] = rbac.Where(w.Doc, analyzer.NewPath("metadata", "name"))
				}
				return nil, fmt.Errorf("--workload: the manifests have %d of %s (%s): workloads without metadata.namespace in different folders run as their own folder's ServiceAccount; give the folder of one as the PATH",
					len(ws), f.workload, strings.Join(at, ", "))
			}
			ans.workload = ws[0]
			ans.user = ans.workload.User()
		} else {
			ans.user = rbac.Impersonate(f.as, f.asGroups)
		}
		d := access.NewDescriber(s.Model, rate)
		all := s.Model.Permissions(ans.user)
		ans.bindings = countBindings(all)
		if f.list {
			ans.grants = d.Permissions(all)
		} else {
			var grants []rbac.Grant
			ans.allowed, grants = s.Model.Allows(ans.user, q.request)
			ans.grants = d.Permissions(grants)
		}
		out = append(out, ans)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--workload: the manifests have no %s (kinds: %s)", f.workload, strings.Join(analyzer.PodKinds(), ", "))
	}
	return out, nil
}

// countBindings returns the number of distinct bindings of grants.
func countBindings(grants []rbac.Grant) int {
	seen := map[*rbac.Binding]bool{}
	for _, g := range grants {
		seen[g.Binding] = true
	}
	return len(seen)
}

// findWorkloads returns the workloads KIND/NS/NAME of m (kind in any
// case): one, or one per folder for workloads without metadata.namespace
// (see rbac.Folder).
func findWorkloads(m *rbac.Model, spec string) []*rbac.Workload {
	kind, rest, _ := strings.Cut(spec, "/")
	ns, name, _ := strings.Cut(rest, "/")
	var out []*rbac.Workload
	for _, w := range m.Workloads {
		if strings.EqualFold(w.Kind, kind) && w.Namespace == ns && w.Name == name {
			out = append(out, w)
		}
	}
	return out
}

// knownVerbs are the verbs the Kubernetes API checks with RBAC.
var knownVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
	"use", "bind", "escalate", "impersonate", "approve", "sign", "attest", "proxy", "*"}

// urlVerbs are the verbs of non-resource URLs: the HTTP methods, in
// lower case, as the API server's authorizer sees them.
var urlVerbs = []string{"get", "head", "options", "post", "put", "patch", "delete", "*"}

// knownSubresources are the subresources of the built-in resources.
var knownSubresources = []string{"log", "exec", "attach", "portforward", "proxy", "status", "scale", "binding",
	"eviction", "ephemeralcontainers", "resize", "token", "approval", "finalize", "rollback", "*"}

// collectionVerbs are the verbs of requests made on a collection: they
// carry no object's name in their URL.
var collectionVerbs = []string{"create", "list", "watch", "deletecollection"}

// parseCanI checks the flags and splits the arguments into the request
// and the paths (dash is where -- was, -1 without it). It warns on stderr
// about what is probably a mistake but still has an answer (an unknown
// verb or resource, a namespace given for a cluster-scoped resource).
func (a *app) parseCanI(f *canIFlags, args []string, dash int) (canIQuestion, error) {
	var q canIQuestion
	switch {
	case f.as == "" && f.workload == "":
		return q, fmt.Errorf("say who asks: --as USER (system:serviceaccount:NS:NAME for a ServiceAccount) or --workload KIND/NS/NAME")
	case f.as != "" && f.workload != "":
		return q, fmt.Errorf("--as and --workload both name who asks: give one")
	case f.workload != "" && len(f.asGroups) > 0:
		return q, fmt.Errorf("--as-group needs --as (a workload's groups are its ServiceAccount's)")
	case f.answerFormat != "text" && f.answerFormat != "json":
		return q, fmt.Errorf("--format: unknown format %q (want text or json)", f.answerFormat)
	case f.allNamespaces && f.namespace != "":
		return q, fmt.Errorf("-A and -n both name the namespace: give one")
	}
	if f.workload != "" {
		parts := strings.Split(f.workload, "/")
		if len(parts) != 3 || slices.Contains(parts, "") {
			return q, fmt.Errorf("--workload %q: want KIND/NAMESPACE/NAME (cronjob/billing/export)", f.workload)
		}
		if !slices.ContainsFunc(analyzer.PodKinds(), func(k string) bool { return strings.EqualFold(k, parts[0]) }) {
			return q, fmt.Errorf("--workload %q: %q is not a kind of workload (%s)", f.workload, parts[0], strings.Join(analyzer.PodKinds(), ", "))
		}
	}
	if f.list {
		if dash > 0 {
			return q, fmt.Errorf("--list takes no VERB or RESOURCE: only PATHs")
		}
		q.paths = args
		return q, nil
	}
	head := args
	if dash >= 0 {
		head = args[:dash]
	}
	if len(head) < 2 {
		return q, fmt.Errorf("want VERB and RESOURCE (kvet can-i get pods --as jane k8s/), or --list")
	}
	verb, resource := strings.ToLower(head[0]), head[1]
	rest := args[2:]
	var name string
	switch {
	case dash >= 0 && dash > 3:
		return q, fmt.Errorf("unexpected %q before --: want VERB RESOURCE [NAME] -- PATH", head[3])
	case dash == 3:
		name, rest = head[2], args[3:]
	case dash < 0 && len(rest) > 0 && !strings.HasPrefix(resource, "/") && looksLikeName(rest[0]):
		name, rest = rest[0], rest[1:]
	}
	q.paths = rest
	switch {
	case strings.HasPrefix(resource, "/"):
		// A non-resource URL is checked with the request's HTTP method.
		if !slices.Contains(urlVerbs, verb) {
			fmt.Fprintf(a.stderr, "kvet: warning: %q is not a verb Kubernetes checks for a non-resource URL (%s)\n", verb, strings.Join(urlVerbs, ", "))
		}
	case !slices.Contains(knownVerbs, verb):
		fmt.Fprintf(a.stderr, "kvet: warning: %q is not a verb Kubernetes checks (%s)\n", verb, strings.Join(knownVerbs, ", "))
	}
	q.request = rbac.Request{Verb: verb, Name: name, Namespace: f.namespace}
	if !f.allNamespaces && f.namespace == "" {
		q.request.Namespace = rbac.DefaultNamespace
	}
	if strings.HasPrefix(resource, "/") {
		if name != "" {
			return q, fmt.Errorf("a non-resource URL (%s) has no NAME", resource)
		}
		q.request.Path, q.request.Namespace, q.resource = resource, "", resource
		return q, nil
	}
	res, sub, _ := strings.Cut(resource, "/")
	r, known := rbac.LookupResource(res)
	q.request.APIGroup, q.request.Resource, q.request.Subresource = r.Group, r.Name, sub
	q.resource = r.Name
	if r.Group != "" {
		q.resource += "." + r.Group
	}
	if sub != "" {
		q.resource += "/" + sub
	}
	switch {
	case !known && r.Name != "*" && r.Group == "":
		fmt.Fprintf(a.stderr, "kvet: warning: %q is not a resource Kubernetes %s serves: asking for %q in the core API group (name a custom resource as RESOURCE.GROUP)\n", res, analyzer.NewestKubeVersion, r.Name)
	case known && r.Name == "namespaces" && r.Group == "" && name != "" && !slices.Contains(collectionVerbs, verb):
		// The API server sees a request for one namespace (and its
		// subresources) as made in that namespace: a RoleBinding there
		// may allow it. A create, list, watch or deletecollection is made
		// on the collection, outside any namespace, whatever its name.
		if f.namespace != "" && f.namespace != name {
			fmt.Fprintf(a.stderr, "kvet: warning: a request for namespace %s is made in namespace %s: -n %s is ignored\n", name, name, f.namespace)
		}
		q.request.Namespace = name
	case known && r.Name == "clusterroles" && r.Group == "rbac.authorization.k8s.io" && verb == "bind" && f.namespace != "":
		// Binding a ClusterRole in a RoleBinding is checked in the
		// binding's namespace: a RoleBinding there may delegate it.
	case known && !r.Namespaced:
		if f.namespace != "" {
			fmt.Fprintf(a.stderr, "kvet: warning: %s is not namespaced: -n %s is ignored\n", q.resource, f.namespace)
		}
		q.request.Namespace = ""
	}
	if sub != "" && !slices.Contains(knownSubresources, sub) {
		fmt.Fprintf(a.stderr, "kvet: warning: %q is not a subresource Kubernetes serves (%s); kvet can-i takes RESOURCE/SUBRESOURCE [NAME]: name the object in its own argument\n", sub, strings.Join(knownSubresources, ", "))
	}
	return q, nil
}

// looksLikeName reports whether an argument after RESOURCE is an object's
// name rather than a path: a valid object name that is not a file or
// directory and does not end like a manifest.
func looksLikeName(arg string) bool {
	if !analyzer.IsDNSSubdomain(arg) {
		return false
	}
	for _, ext := range []string{".yaml", ".yml", ".json"} {
		if strings.HasSuffix(arg, ext) {
			return false
		}
	}
	_, err := os.Lstat(arg)
	return err != nil
}

// canIText writes the answers as kubectl auth can-i does (yes or no), one
// line per set when there are several, with the grants under -v; or, with
// --list, the permission table of each set.
func canIText(w io.Writer, f *canIFlags, q canIQuestion, answers []canISet) {
	several := len(answers) > 1
	for i, ans := range answers {
		prefix := ""
		if several {
			prefix = access.Title(ans.set.Root, ans.set.RootKind) + ": "
		}
		if f.list {
			if i > 0 {
				fmt.Fprintln(w)
			}
			if several {
				fmt.Fprintf(w, "== %s ==\n", access.Title(ans.set.Root, ans.set.RootKind))
			}
			if f.verbose || f.workload != "" {
				canISubject(w, "", f, ans)
			}
			if len(ans.grants) == 0 {
				fmt.Fprintf(w, "no permissions (%s)\n", noBindingText(ans))
				continue
			}
			_ = access.PermissionTable(w, ans.grants)
			continue
		}
		answer := "no"
		if ans.allowed {
			answer = "yes"
		}
		fmt.Fprintln(w, prefix+answer)
		if !f.verbose {
			continue
		}
		canISubject(w, "  ", f, ans)
		switch {
		case ans.allowed:
			for j := range ans.grants {
				p := &ans.grants[j]
				fmt.Fprintf(w, "  granted by %s\n", p.Grant())
				for _, h := range p.Chain {
					if h.Location.File == "" {
						fmt.Fprintf(w, "    %s\n", h.Message)
						continue
					}
					fmt.Fprintf(w, "    %s:%d:%d: %s\n", h.Location.File, h.Location.Line, h.Location.ByteColumn, h.Message)
				}
			}
		case ans.bindings == 0:
			fmt.Fprintf(w, "  %s\n", noBindingText(ans))
		default:
			where := "in namespace " + q.request.Namespace
			switch {
			case !q.request.IsResource(), q.request.Namespace == "" && !f.allNamespaces:
				where = "cluster-wide"
			case f.allNamespaces:
				where = "in all namespaces"
			}
			fmt.Fprintf(w, "  %d %s to %s; none of their roles' rules allows %s %s%s %s\n",
				ans.bindings, plural(ans.bindings, "binding applies", "bindings apply"), userText(ans.user), q.request.Verb, q.resource, nameText(q.request.Name), where)
		}
	}
}

// canISubject says who asks, under -v: the user and its groups, and for a
// workload the ServiceAccount its pods run as and whether they get a token.
func canISubject(w io.Writer, indent string, f *canIFlags, ans canISet) {
	if wl := ans.workload; wl != nil {
		file, rng := wl.Doc.Position(wl.AccountPath(), false)
		fmt.Fprintf(w, "%s%s runs as ServiceAccount %s/%s (%s:%d:%d)\n", indent, wl, wl.Namespace, wl.Account, file.Path, rng.Start.Line, file.ByteColumn(rng.Start))
		if !ans.set.Model.TokenMounted(wl) {
			fmt.Fprintf(w, "%snote: its pods get no API token (automountServiceAccountToken: false): they cannot use these permissions\n", indent)
		}
	}
	if f.verbose {
		fmt.Fprintf(w, "%sasking as %s\n", indent, userText(ans.user))
	}
}

// noBindingText says that no binding applies to the user.
func noBindingText(ans canISet) string {
	return "no binding of the manifests applies to " + userText(ans.user)
}

// userText names a user and its groups: "User jane (groups developers,
// system:authenticated)".
func userText(u rbac.User) string {
	s := "User " + u.Name
	if u.Name == "" {
		s = "a member"
	}
	if len(u.Groups) > 0 {
		s += " (groups " + strings.Join(u.Groups, ", ") + ")"
	}
	return s
}

// nameText renders a request's object name for messages.
func nameText(name string) string {
	if name == "" {
		return ""
	}
	return " named " + name
}

// canIReport is kvet can-i's JSON output.
type canIReport struct {
	User   string   `json:"user"`
	Groups []string `json:"groups"`
	// Workload is --workload's "Kind namespace/name".
	Workload string `json:"workload,omitempty"`
	// Request and Allowed are absent with --list. Allowed is true when
	// every set allows the request.
	Request *canIRequest  `json:"request,omitempty"`
	Allowed *bool         `json:"allowed,omitempty"`
	Sets    []canIJSONSet `json:"sets"`
}

// canIRequest is the request asked, as the authorizer sees it.
type canIRequest struct {
	Verb        string `json:"verb"`
	APIGroup    string `json:"apiGroup"`
	Resource    string `json:"resource,omitempty"`
	Subresource string `json:"subresource,omitempty"`
	Name        string `json:"name,omitempty"`
	Namespace   string `json:"namespace"`
	Path        string `json:"nonResourceURL,omitempty"`
}

// canIJSONSet is the answer of one set: whether it allows the request and
// the permissions that do (with --list, every permission of the subject).
type canIJSONSet struct {
	Root        string              `json:"root"`
	RootKind    string              `json:"rootKind,omitempty"`
	Allowed     *bool               `json:"allowed,omitempty"`
	Permissions []access.Permission `json:"permissions"`
}

// canIJSON writes the answers as JSON.
func canIJSON(w io.Writer, f *canIFlags, q canIQuestion, answers []canISet) error {
	rep := canIReport{User: answers[0].user.Name, Groups: answers[0].user.Groups, Sets: []canIJSONSet{}}
	if rep.Groups == nil {
		rep.Groups = []string{}
	}
	if wl := answers[0].workload; wl != nil {
		rep.Workload = wl.String()
	}
	all := true
	for _, ans := range answers {
		s := canIJSONSet{Root: ans.set.Root, RootKind: ans.set.RootKind, Permissions: ans.grants}
		if !f.list {
			allowed := ans.allowed
			s.Allowed = &allowed
			all = all && allowed
		}
		rep.Sets = append(rep.Sets, s)
	}
	if !f.list {
		r := q.request
		rep.Request = &canIRequest{Verb: r.Verb, APIGroup: r.APIGroup, Resource: r.Resource, Subresource: r.Subresource, Name: r.Name, Namespace: r.Namespace, Path: r.Path}
		rep.Allowed = &all
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
