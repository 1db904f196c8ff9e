package analyzer

// IDs of the diagnostics the loader itself produces.
const (
	IDYAMLSyntax   = "yaml-syntax"
	IDUnknownField = "unknown-field"
	IDInvalidValue = "invalid-value"
	IDDuplicateKey = "duplicate-key"
	IDFileTooLarge = "file-too-large"
)

// EngineRules returns the metadata of the diagnostics produced while
// loading documents (they have no Run function).
func EngineRules() []*Rule {
	return []*Rule{
		{
			ID:       IDYAMLSyntax,
			Title:    "document is not valid YAML or JSON",
			Severity: SeverityError,
			Source:   "engine",
			Rationale: "A manifest that does not parse cannot be applied, and nothing after the error " +
				"in the same document can be checked.",
			Remediation: "Fix the syntax at the reported line. kvet reports the first line at which the " +
				"document stops being valid YAML; documents before it in the file and all other files " +
				"are still linted, and linting resumes at the next `---`.",
		},
		{
			ID:       IDUnknownField,
			Title:    "field that the kind's schema does not have",
			Severity: SeverityError,
			Source:   "engine",
			Rationale: "The API server rejects unknown fields under strict validation, or silently drops " +
				"them otherwise: a typo such as `backofLimit` leaves the real field at its default.",
			Remediation: "Correct the field name (kvet suggests the closest known field) or remove it. " +
				"`kvet fix` renames the key when one known field is closest and takes the key's value " +
				"as written; where it would not (`arg: --verbose` for `args`, a list), the message says why. " +
				"Only the current versions of known kinds are checked (Pod, Job, CronJob, Deployment, " +
				"StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Role, ClusterRole, " +
				"RoleBinding, ClusterRoleBinding, ServiceAccount, Service, PersistentVolumeClaim); custom " +
				"resources are not.",
		},
		{
			ID:       IDInvalidValue,
			Title:    "value of the wrong type or shape for a known kind",
			Severity: SeverityError,
			Source:   "engine",
			Rationale: "The API server decodes manifests strictly: `backoffLimit: \"3\"` (a string), " +
				"`verbs: get` (not a list), an environment variable `value: 8080` (not a string) or a " +
				"binding subject of `kind: serviceaccount` (only ServiceAccount, User and Group, case included) " +
				"are rejected when applied, and so are values outside the fixed set of a field, case " +
				"included: a CronJob's concurrencyPolicy (Allow, Forbid, Replace), a Job's completionMode " +
				"and podReplacementPolicy, a container's imagePullPolicy (`always` is not Always) and " +
				"terminationMessagePolicy, a port's protocol (TCP, UDP, SCTP), a pod's restartPolicy " +
				"(only Always in the pod template of a Deployment, ReplicaSet, StatefulSet, DaemonSet or " +
				"ReplicationController), dnsPolicy and preemptionPolicy, a seccomp or AppArmor profile's " +
				"type, a toleration's operator and effect, a Service's type, sessionAffinity, " +
				"externalTrafficPolicy, internalTrafficPolicy and ipFamilyPolicy, a Deployment's strategy " +
				"type, a StatefulSet's podManagementPolicy, update strategy type and " +
				"persistentVolumeClaimRetentionPolicy (Retain, Delete), a DaemonSet's update strategy type, " +
				"a probe's or lifecycle handler's httpGet scheme (HTTP, HTTPS), a hostPath volume's type, " +
				"and a PersistentVolumeClaim's accessModes (each of them) and volumeMode, in a StatefulSet's " +
				"volumeClaimTemplates (the claims the controller makes from them are rejected) and a pod's " +
				"ephemeral volumes too. So are ephemeralContainers in a " +
				"pod or pod template: they are only ever added to a running pod (kubectl debug). So are RBAC " +
				"objects that the API server's RBAC validation rejects: a Role rule with nonResourceURLs, a rule " +
				"with both nonResourceURLs and resources (or apiGroups, resourceNames), a rule without verbs, a " +
				"resource rule without apiGroups or resources, a roleRef.apiGroup other than " +
				"rbac.authorization.k8s.io, a subject without name or kind, a ServiceAccount subject with an " +
				"apiGroup or a name that is not a valid ServiceAccount name, a User or Group subject with another " +
				"apiGroup than rbac.authorization.k8s.io. Such an object is never created, so it grants nothing: " +
				"kvet's RBAC model (kvet can-i, kvet access and the cross-document rules) leaves it out.",
			Remediation: "Write the value with the type the field expects: quote strings, leave numbers " +
				"unquoted, and use a list where the schema has one; where the field has a fixed set of " +
				"values, write one of them exactly as the message lists it; remove ephemeralContainers. " +
				"Split an RBAC rule of both resources and non-resource URLs in two, and grant non-resource " +
				"URLs in a ClusterRole; write `apiGroups: [\"\"]` for the core group.",
		},
		{
			ID:       IDDuplicateKey,
			Title:    "mapping key that appears twice in one mapping",
			Severity: SeverityError,
			Source:   "engine",
			Rationale: "YAML libraries differ on a repeated key. kubectl's (sigs.k8s.io/yaml) silently keeps the " +
				"last value, so the API server never sees the first and the object applies without it; " +
				"kustomize and strict YAML parsers reject the file. Two `name:` keys in one container, or two " +
				"`resources:` where one was meant to be merged into the other, do not do what they say. A key " +
				"written before a `<<` merge key that sets it too is the same trap: kubectl's library applies the " +
				"merge after the key and keeps the merged value, while the YAML merge-key specification and " +
				"kustomize keep the key written.",
			Remediation: "Keep one of the two keys, merging their values if both were meant. kvet points at " +
				"the second key and names the line of the first; for a key replaced by a later merge, it points " +
				"at the key and names the merge key's line: put `<<` first. `<<` merge keys may repeat.",
		},
		{
			ID:       IDRenderFailed,
			Title:    "kustomization or Helm chart that could not be rendered",
			Severity: SeverityWarning,
			Source:   "engine",
			Rationale: "kvet lints Kustomize overlays and Helm charts as they are deployed, by rendering " +
				"them. A root that does not render is not linted as deployed: its patches and templates " +
				"are not checked, and its plain resource files are linted as they are, without what the " +
				"overlay changes.",
			Remediation: "Fix what the renderer's message names, at the reported line: a missing file, a " +
				"kustomize or template error, a chart dependency that is not vendored (run `helm " +
				"dependency build`). kvet never accesses the network, so remote bases (URLs, git " +
				"repositories) cannot be rendered: lint the rendered output instead (`kustomize build " +
				"DIR | kvet lint -`), or exclude the root in .kvet.yaml. `--no-render` lints the files " +
				"as they are.",
		},
		{
			ID:       IDFileTooLarge,
			Title:    "file over the size limit, not read",
			Severity: SeverityError,
			Source:   "engine",
			Rationale: "kvet reads each file whole to report exact positions, so it bounds what it reads: " +
				"a file over the limit (--max-file-size, default 64 MiB) is not read and nothing in it is " +
				"checked, while every other file is linted. Real manifests are far smaller; a file this " +
				"large is usually generated, or not a manifest at all.",
			Remediation: "Split the file, exclude it in .kvet.yaml, or raise the limit with " +
				"`--max-file-size` or `max-file-size:` in .kvet.yaml (for example 256MiB).",
		},
	}
}
