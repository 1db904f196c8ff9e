package pod

import (
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
)

// imageTag splits an image reference into its tag and whether it is pinned
// by digest. The tag is what follows the last ":" after the last "/", so a
// registry port (localhost:5000/app) is not mistaken for a tag.
func imageTag(image string) (tag string, digest bool) {
	if strings.Contains(image, "@") {
		return "", true
	}
	name := image[strings.LastIndexByte(image, '/')+1:]
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:], false
	}
	return "", false
}

// ImageTagMutable flags images without a tag, or tagged latest, and not
// pinned by digest.
func ImageTagMutable() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "image-tag-mutable",
		Title:    "image without a tag or tagged latest, and no digest",
		Severity: analyzer.SeverityWarning,
		Kinds:    analyzer.PodKinds(),
		Source:   "go",
		Rationale: "An image with no tag means `:latest`, and `latest` moves whenever someone pushes. Pods of " +
			"the same workload then run different code depending on when their node pulled the image: a " +
			"Job's retry or a CronJob's next run silently runs a new version, and a rollback cannot go " +
			"back. `latest` also makes imagePullPolicy default to Always, so every pod start depends on " +
			"the registry.",
		Remediation: "Reference a version tag that is never overwritten (`worker:1.4.2`), or pin the digest " +
			"(`worker@sha256:...`, optionally with the tag for readability: `worker:1.4.2@sha256:...`).",
		Doc: "Bad:\n\n    image: worker\n    image: worker:latest\n    image: localhost:5000/worker\n\n" +
			"Good:\n\n    image: worker:1.4.2\n    image: worker@sha256:4c1e...\n",
		Run: func(pass *analyzer.Pass) {
			for _, c := range containers(pass) {
				image := c.Container.Image
				if image == "" {
					continue
				}
				tag, digest := imageTag(image)
				var problem string
				switch {
				case digest:
					continue
				case tag == "":
					problem = "has no tag, so it means :latest"
				case tag == "latest":
					problem = "is tagged latest"
				default:
					continue
				}
				pass.Reportf(c.Path.Key("image"),
					"%s image %s %s, which moves with every push: pods (and a Job's retries or a CronJob's next run) silently run whatever was pushed last; %s",
					containerLabel(c), analyzer.Quote(image), problem, "use a version tag that is never overwritten, or pin the digest (@sha256:...)")
			}
		},
	}
}

// containerLabel names a container in messages: `container "app"`,
// `init container "setup"`.
func containerLabel(c analyzer.ContainerRef) string {
	if c.Field == "initContainers" {
		return "init container " + analyzer.Quote(c.Container.Name)
	}
	return "container " + analyzer.Quote(c.Container.Name)
}
