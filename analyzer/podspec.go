package analyzer

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PodTemplate is the pod part of a pod-bearing object, with its path.
type PodTemplate struct {
	// Spec is the pod spec; Path points at it (spec.template.spec for a
	// Job, spec.jobTemplate.spec.template.spec for a CronJob, spec for a
	// Pod). Path is shared by the templates of a kind: extend it (Key,
	// Index), never write its elements.
	Spec *corev1.PodSpec
	Path Path
	// Meta is the pod template's metadata (the object's for a Pod).
	Meta *metav1.ObjectMeta
}

// PodSpecPath returns the path of the pod spec in an object of a
// pod-bearing kind (spec for a Pod, spec.jobTemplate.spec.template.spec for
// a CronJob, spec.template.spec for the others), or nil for other kinds.
func PodSpecPath(kind string) Path {
	switch kind {
	case "Pod":
		return NewPath("spec")
	case "CronJob":
		return NewPath("spec", "jobTemplate", "spec", "template", "spec")
	case "Job", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController":
		return NewPath("spec", "template", "spec")
	}
	return nil
}

// podSpecPaths are PodSpecPath's paths by kind, shared by the templates
// PodTemplateOf returns (rules take it for every document). Each has no
// room to append to, so extending one copies it.
var podSpecPaths = func() map[string]Path {
	m := map[string]Path{}
	for _, k := range PodKinds() {
		p := PodSpecPath(k)
		m[k] = p[:len(p):len(p)]
	}
	return m
}()

// PodTemplateOf returns the pod template of a decoded pod-bearing object.
func PodTemplateOf(d *Document) (PodTemplate, bool) {
	var t PodTemplate
	switch o := d.Object.(type) {
	case *corev1.Pod:
		t = PodTemplate{Spec: &o.Spec, Meta: &o.ObjectMeta}
	case *batchv1.Job:
		t = PodTemplate{Spec: &o.Spec.Template.Spec, Meta: &o.Spec.Template.ObjectMeta}
	case *batchv1.CronJob:
		t = PodTemplate{Spec: &o.Spec.JobTemplate.Spec.Template.Spec, Meta: &o.Spec.JobTemplate.Spec.Template.ObjectMeta}
	case *appsv1.Deployment:
		t = PodTemplate{Spec: &o.Spec.Template.Spec, Meta: &o.Spec.Template.ObjectMeta}
	case *appsv1.StatefulSet:
		t = PodTemplate{Spec: &o.Spec.Template.Spec, Meta: &o.Spec.Template.ObjectMeta}
	case *appsv1.DaemonSet:
		t = PodTemplate{Spec: &o.Spec.Template.Spec, Meta: &o.Spec.Template.ObjectMeta}
	case *appsv1.ReplicaSet:
		t = PodTemplate{Spec: &o.Spec.Template.Spec, Meta: &o.Spec.Template.ObjectMeta}
	case *corev1.ReplicationController:
		if o.Spec.Template == nil {
			return PodTemplate{}, false
		}
		t = PodTemplate{Spec: &o.Spec.Template.Spec, Meta: &o.Spec.Template.ObjectMeta}
	default:
		return PodTemplate{}, false
	}
	t.Path = podSpecPaths[d.Kind]
	return t, true
}

// ContainerRef is one container of a pod spec with its path.
type ContainerRef struct {
	Container *corev1.Container
	Path      Path
	// Field is "containers" or "initContainers".
	Field string
}

// Containers returns the containers and init containers of the pod
// template, in that order. Ephemeral containers are not among them: the
// API server rejects them in a manifest (the loader reports them as
// invalid-value), so nothing of theirs ever runs as written.
func (t PodTemplate) Containers() []ContainerRef {
	out := make([]ContainerRef, 0, len(t.Spec.Containers)+len(t.Spec.InitContainers))
	for i := range t.Spec.Containers {
		out = append(out, ContainerRef{&t.Spec.Containers[i], t.Path.keyIndex("containers", i), "containers"})
	}
	for i := range t.Spec.InitContainers {
		out = append(out, ContainerRef{&t.Spec.InitContainers[i], t.Path.keyIndex("initContainers", i), "initContainers"})
	}
	return out
}
