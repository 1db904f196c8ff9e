package policies

import (
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// denied lists the OPA builtins that policies cannot use, and why. Every
// other builtin of OPA's capabilities is available. time.now_ns stays (a
// policy may compare dates with now); the time zone functions read only
// the time zone database.
var denied = map[string]string{
	"http.send":          "it sends HTTP requests (network access)",
	"net.lookup_ip_addr": "it resolves host names (network access)",
	"opa.runtime":        "it exposes the environment variables and configuration of the process",
	"json.match_schema":  "it follows $ref to file:// and http:// URLs (file system and network access)",
	"json.verify_schema": "it follows $ref to file:// and http:// URLs (file system and network access)",
	"rand.intn":          "its results differ between runs, and kvet's output is deterministic",
	"uuid.rfc4122":       "its results differ between runs, and kvet's output is deterministic",
}

// Sandbox returns the names of the builtins policies cannot use, sorted.
func Sandbox() []string {
	names := make([]string, 0, len(denied))
	for n := range denied {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// capabilities are OPA's capabilities minus the denied builtins, with no
// host allowed for network access (defense in depth: the builtins that
// could use it are gone).
func capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	builtins := c.Builtins[:0:0]
	for _, b := range c.Builtins {
		if _, ok := denied[b.Name]; !ok {
			builtins = append(builtins, b)
		}
	}
	c.Builtins = builtins
	c.AllowNet = []string{}
	return c
}

// sandboxMessage rewrites the compiler's error for a call of a denied
// builtin into one that says why it is denied; it returns "" for other
// errors.
func sandboxMessage(e *ast.Error) string {
	const undefined = "undefined function "
	i := strings.Index(e.Message, undefined)
	if i < 0 {
		return ""
	}
	name := strings.TrimSpace(e.Message[i+len(undefined):])
	why, ok := denied[name]
	if !ok {
		return ""
	}
	return "builtin " + name + " is not allowed in kvet policies: " + why +
		"; kvet runs policies without network, environment or file system access"
}
