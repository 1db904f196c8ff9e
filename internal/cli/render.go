package cli

import (
	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// newRenderer returns the render stage of a lint run: Kustomize overlays
// (and, with their renderers, the other kinds of roots).
func newRenderer() analyzer.Renderer {
	return render.New(kustomize.New(), helm.New(helm.Settings{}, nil))
}
