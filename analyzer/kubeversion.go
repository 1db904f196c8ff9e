package analyzer

import (
	"fmt"
	"strconv"
	"strings"
)

// KubeVersion is a Kubernetes minor release, such as 1.29: the cluster
// version a run targets (--kube-version, kube-version: in .kvet.yaml).
// Rules judge against it which API versions are removed and whether the
// fields their advice needs exist. The zero value means "not set", which
// stands for NewestKubeVersion.
type KubeVersion struct {
	Major, Minor int
}

// NewestKubeVersion is the newest Kubernetes release kvet knows: the one of
// the k8s.io/api module it is built with, up to which its table of removed
// API versions is complete. It is the default target (`kvet version`
// prints it).
var NewestKubeVersion = KubeVersion{Major: 1, Minor: 37}

// ParseKubeVersion parses a Kubernetes version as users write it: "1.29",
// "v1.29", or with a patch release ("1.29.3", "v1.29.3", as `kubectl
// version` prints it), which is ignored.
func ParseKubeVersion(s string) (KubeVersion, error) {
	bad := func() (KubeVersion, error) {
		return KubeVersion{}, fmt.Errorf("invalid Kubernetes version %q (want 1.MINOR, such as %s)", s, NewestKubeVersion)
	}
	parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return bad()
	}
	var nums [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || p[0] == '+' || len(p) > 1 && p[0] == '0' {
			return bad()
		}
		nums[i] = n
	}
	if nums[0] != 1 {
		return KubeVersion{}, fmt.Errorf("invalid Kubernetes version %q: kvet knows Kubernetes 1.x releases (up to %s)", s, NewestKubeVersion)
	}
	return KubeVersion{Major: nums[0], Minor: nums[1]}, nil
}

// String returns the version as "1.29" ("" for the zero value).
func (v KubeVersion) String() string {
	if v.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// IsZero reports whether v is unset.
func (v KubeVersion) IsZero() bool { return v == KubeVersion{} }

// OrNewest returns v, or NewestKubeVersion when v is unset.
func (v KubeVersion) OrNewest() KubeVersion {
	if v.IsZero() {
		return NewestKubeVersion
	}
	return v
}

// Less reports whether v is an older release than w.
func (v KubeVersion) Less(w KubeVersion) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	return v.Minor < w.Minor
}

// AtLeast reports whether v is release 1.minor or newer.
func (v KubeVersion) AtLeast(minor int) bool { return !v.Less(KubeVersion{Major: 1, Minor: minor}) }

// Feature is a field that a Kubernetes release added: in alpha, behind the
// feature gate Gate (the API server drops the field while the gate is off),
// from release 1.Alpha, in beta, on by default, from 1.Beta, GA from 1.GA
// (0 while no release kvet knows has it GA). Releases before 1.Alpha do not
// know the field at all.
type Feature struct {
	Field, Gate     string
	Alpha, Beta, GA int
}

// Available reports whether the target release has the field on by
// default (beta or GA): where a fix that sets it makes sense.
func (f Feature) Available(target KubeVersion) bool { return target.AtLeast(f.Beta) }

// Note says what advice to set the field means for the target release, to
// be appended to a message: "" where the field is GA.
func (f Feature) Note(target KubeVersion) string {
	where := fmt.Sprintf("1.%d, where it is beta", f.Beta)
	if f.GA != 0 {
		where = fmt.Sprintf("1.%d, where it is GA, or %s", f.GA, where)
	}
	switch {
	case f.GA != 0 && target.AtLeast(f.GA):
		return ""
	case f.Available(target) && f.GA == 0:
		return fmt.Sprintf(" (%s is beta, on by default, in the target %s)", f.Field, target)
	case f.Available(target):
		return fmt.Sprintf(" (%s is GA in Kubernetes 1.%d; the target %s has it in beta, on by default)", f.Field, f.GA, target)
	case target.AtLeast(f.Alpha):
		return fmt.Sprintf(" (%s needs Kubernetes %s: the target %s ignores it unless the %s feature gate is on)",
			f.Field, where, target, f.Gate)
	}
	return fmt.Sprintf(" (%s needs Kubernetes %s: the target %s ignores it, as the field arrived in 1.%d, in alpha)",
		f.Field, where, target, f.Alpha)
}
