package policies

import (
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// denied lists the OPA builtins that policies cannot use, and why: those
// that reach the network, the environment or the file system, and every
// builtin OPA marks nondeterministic (whose result may differ between runs,
// while kvet's output is deterministic). Every other builtin of OPA's
// capabilities is available; the time zone functions read only the time
// zone database, and "Local" is UTC (kvet runs in UTC whatever TZ says).
var denied = map[string]string{
	"http.send":            "it sends HTTP requests (network access)",
	"net.lookup_ip_addr":   "it resolves host names (network access)",
	"opa.runtime":          "it exposes the environment variables and configuration of the process",
	"json.match_schema":    "it follows $ref to file:// and http:// URLs (file system and network access)",
	"json.verify_schema":   "it follows $ref to file:// and http:// URLs (file system and network access)",
	"rand.intn":            nondeterministic,
	"uuid.rfc4122":         nondeterministic,
	"time.now_ns":          nondeterministic + "; compare with a date passed as a parameter instead",
	"io.jwt.decode_verify": "it checks expiry against the current time, so its result differs between runs",
	"crypto.x509.parse_and_verify_certificates":              "it checks validity against the current time, so its result differs between runs; parse with crypto.x509.parse_certificates and compare the dates with one passed as a parameter",
	"crypto.x509.parse_and_verify_certificates_with_options": "it checks validity against the current time unless given one, so its result differs between runs; parse with crypto.x509.parse_certificates and compare the dates with one passed as a parameter",
	"io.jwt.encode_sign":                                     "its signatures are random for some algorithms (ECDSA, RSA-PSS), so its result differs between runs",
	"io.jwt.encode_sign_raw":                                 "its signatures are random for some algorithms (ECDSA, RSA-PSS), so its result differs between runs",
}

const nondeterministic = "its result differs between runs, and kvet's output is deterministic"

// deniedReason says why builtin name is not available, or "" when it is:
// the reason of denied, or a generic one for a builtin OPA marks
// nondeterministic that denied does not list (one a later OPA adds).
func deniedReason(b *ast.Builtin) string {
	if why, ok := denied[b.Name]; ok {
		return why
	}
	if b.Nondeterministic {
		return nondeterministic
	}
	return ""
}

// Sandbox returns the names of the builtins policies cannot use, sorted.
func Sandbox() []string {
	var names []string
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if deniedReason(b) != "" {
			names = append(names, b.Name)
		}
	}
	sort.Strings(names)
	return slices.Compact(names)
}

// capabilities are OPA's capabilities minus the denied builtins, with no
// host allowed for network access (defense in depth: the builtins that
// could use it are gone).
func capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	builtins := c.Builtins[:0:0]
	for _, b := range c.Builtins {
		if deniedReason(b) == "" {
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
	why := ""
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if b.Name == name {
			why = deniedReason(b)
		}
	}
	if why == "" {
		return ""
	}
	return "builtin " + name + " is not allowed in kvet policies: " + why +
		"; kvet runs policies without network, environment or file system access"
}
