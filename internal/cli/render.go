package cli

import (
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// newRenderer returns the render stage of a lint run: Kustomize overlays
// and Helm charts (rendered with hs by kvet-helm).
func newRenderer(hs helm.Settings) *render.Stage {
	return render.New(kustomize.New(), helm.New(hs, nil))
}
