# Sourced by the benchmark scripts: settle FILE... rewrites each FILE by
# copying it. The kernel caches a binary that the Go linker has just
# written (go build, go install) in 2 MiB pages and maps them whole: on the
# project's machine kvet then starts about 10 % faster and peaks about
# 15 MiB higher than when its pages come back from disk, as after a
# reboot. A copy is cached in 4 KiB pages, as pages read back from disk
# are, so every benchmark measures its binaries in that state, whether
# the build linked them anew or copied them from Go's build cache (README:
# "Measuring one binary twice").
settle() {
	local f
	for f in "$@"; do
		cp "$f" "$f.settle" && mv "$f.settle" "$f"
	done
}
