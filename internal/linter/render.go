package linter

import (
	"path/filepath"
	"slices"

	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// RenderSettings are the command line's settings of the render stage.
type RenderSettings struct {
	// NoRender, when set, turns rendering off (true, --no-render) or on
	// (false, --no-render=false), whatever the configuration's render:
	// says.
	NoRender *bool
	// HelmValues (values files, absolute) and HelmSet (--set style
	// values) are added to every chart rendered, after the
	// configuration's (--helm-values, --helm-set).
	HelmValues, HelmSet []string
}

// render resolves the render stage's settings: s, then the configuration
// file cfg, then rendering on.
func (l *Linter) render(cfg *config.Config, s RenderSettings) {
	l.Render = true
	switch {
	case s.NoRender != nil:
		l.Render = !*s.NoRender
	case cfg != nil && cfg.Render != nil:
		l.Render = *cfg.Render
	}
	h := helm.Settings{KubeVersion: "v" + l.Options.KubeVersion.String() + ".0"}
	if cfg != nil && cfg.Helm != nil {
		h.ReleaseName, h.Namespace = cfg.Helm.ReleaseName, cfg.Helm.Namespace
		h.Timeout, h.MaxMemory = cfg.Helm.Timeout, cfg.Helm.MaxMemory
	}
	h.Chart = func(dir string) *helm.ChartSettings {
		var cs helm.ChartSettings
		found := false
		if c := cfg.HelmChart(filepath.FromSlash(dir)); c != nil {
			cs = helm.ChartSettings{Values: c.Values, Set: c.Set, ReleaseName: c.ReleaseName, Namespace: c.Namespace}
			found = true
		}
		if len(s.HelmValues) > 0 || len(s.HelmSet) > 0 {
			// New slices: charts render in parallel, and the
			// configuration's may have room to append into.
			cs.Values = slices.Concat(cs.Values, s.HelmValues)
			cs.Set = slices.Concat(cs.Set, s.HelmSet)
			found = true
		}
		if !found {
			return nil
		}
		return &cs
	}
	l.helm = h
	if cfg != nil {
		l.kustomizeTimeout = cfg.KustomizeTimeout
	}
}

// Renderer returns a new render stage for runs with l: Kustomize overlays,
// and Helm charts rendered by kvet-helm with the configuration's helm:
// section, the command line's values and l's target Kubernetes release;
// nil when rendering is off (--no-render, render: false). A stage reads
// each source file once (see render.Env): use a new one for each run.
func (l *Linter) Renderer() *render.Stage {
	if !l.Render {
		return nil
	}
	return render.New(kustomize.NewWithLimits(l.kustomizeTimeout, &l.kustomizeBuilds), helm.New(l.helm, nil))
}
