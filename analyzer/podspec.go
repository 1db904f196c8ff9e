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
	// Job, spec.jobTemplate.spec.template.spec for a CronJob, spec for a Pod).
	Spec *corev1.PodSpec
	Path Path
	// Meta is the pod template's metadata (the object's for a Pod).
	Meta *metav1.ObjectMeta
}

// PodTemplateOf returns the pod template of a decoded pod-bearing object.
func PodTemplateOf(d *Document) (PodTemplate, bool) {
	tmpl := func(t *corev1.PodTemplateSpec, p Path) (PodTemplate, bool) {
		return PodTemplate{Spec: &t.Spec, Path: p.Key("spec"), Meta: &t.ObjectMeta}, true
	}
	spec := NewPath("spec")
	switch o := d.Object.(type) {
	case *corev1.Pod:
		return PodTemplate{Spec: &o.Spec, Path: spec, Meta: &o.ObjectMeta}, true
	case *batchv1.Job:
		return tmpl(&o.Spec.Template, spec.Key("template"))
	case *batchv1.CronJob:
		return tmpl(&o.Spec.JobTemplate.Spec.Template, spec.Key("jobTemplate", "spec", "template"))
	case *appsv1.Deployment:
		return tmpl(&o.Spec.Template, spec.Key("template"))
	case *appsv1.StatefulSet:
		return tmpl(&o.Spec.Template, spec.Key("template"))
	case *appsv1.DaemonSet:
		return tmpl(&o.Spec.Template, spec.Key("template"))
	case *appsv1.ReplicaSet:
		return tmpl(&o.Spec.Template, spec.Key("template"))
	case *corev1.ReplicationController:
		if o.Spec.Template == nil {
			return PodTemplate{}, false
		}
		return tmpl(o.Spec.Template, spec.Key("template"))
	}
	return PodTemplate{}, false
}

// ContainerRef is one container of a pod spec with its path.
type ContainerRef struct {
	Container *corev1.Container
	Path      Path
	// Field is "containers", "initContainers" or "ephemeralContainers".
	Field string
}

// Containers returns the containers, init containers and ephemeral
// containers of the pod template, in that order.
func (t PodTemplate) Containers() []ContainerRef {
	var out []ContainerRef
	for i := range t.Spec.Containers {
		out = append(out, ContainerRef{&t.Spec.Containers[i], t.Path.Key("containers").Index(i), "containers"})
	}
	for i := range t.Spec.InitContainers {
		out = append(out, ContainerRef{&t.Spec.InitContainers[i], t.Path.Key("initContainers").Index(i), "initContainers"})
	}
	for i := range t.Spec.EphemeralContainers {
		c := corev1.Container(t.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, ContainerRef{&c, t.Path.Key("ephemeralContainers").Index(i), "ephemeralContainers"})
	}
	return out
}
