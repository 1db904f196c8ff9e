package analyzer

import (
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// Alias amplification. Every consumer of a document (the strict decoder,
// the locator, the rules, the Rego input) sees it with its aliases
// expanded, so a small file can stand for a huge document ("billion
// laughs"). The loader measures each document's expansion once, before
// anything decodes it, and refuses a document whose aliases produce too
// much: it is reported as yaml-syntax at its first alias and not linted,
// as a document that does not parse. No later step can then produce more
// nodes than the loader counted.

// maxAliasNodes is the most nodes the aliases of one document may produce
// (every expansion counted): enough for any real use of anchors, while the
// work of the rules and policies on one document stays bounded.
const maxAliasNodes = 100_000

// maxFileAliasNodes is the most nodes the aliases of all the documents of
// one file may produce together: each document under maxAliasNodes, a
// file of thousands of them would otherwise hold gigabytes once expanded
// (13 MB of YAML took 4.1 GB). Documents past it are not linted.
const maxFileAliasNodes = 1_000_000

// aliasProblem returns the first alias of the YAML document doc and what
// is wrong with the document's aliases, or nil when nothing is: an alias
// inside its own anchor (an infinite document), aliases that produce more
// than maxAliasNodes nodes, or, as the API server's YAML decoder judges it,
// "excessive aliasing" (most of a large document made of alias expansions).
//
// fileAliased is the number of nodes the aliases of the file's earlier
// documents produced; the document's own are added to it when it is
// accepted, and a document that would take the file past
// maxFileAliasNodes is refused.
func aliasProblem(doc *yaml.Node, fileAliased *int) (*yaml.Node, string) {
	x := expansion{size: map[*yaml.Node]int{}}
	written := x.walk(doc)
	if x.first == nil {
		return nil, ""
	}
	total := x.expanded(doc)
	if x.cycle != nil {
		return x.first, fmt.Sprintf("anchor '%s' value contains itself (the alias at line %d refers to a node that encloses it); not linted", x.cycle.Value, x.cycle.Line)
	}
	aliased := total - written
	switch {
	case aliased > maxAliasNodes:
		return x.first, fmt.Sprintf("the document's aliases expand to %s nodes (from %d written), more than the %d kvet accepts in one document; not linted",
			countString(aliased), written, maxAliasNodes)
	case excessiveAliasing(total, aliased):
		return x.first, fmt.Sprintf("document contains excessive aliasing: %d of its %d nodes come from aliases, which the API server's YAML decoder rejects; not linted",
			aliased, total)
	case *fileAliased+aliased > maxFileAliasNodes:
		return x.first, fmt.Sprintf("the document's aliases expand to %s nodes, and with those of the file's earlier documents (%s) to more than the %s kvet accepts in one file; not linted",
			countString(aliased), countString(*fileAliased), countString(maxFileAliasNodes))
	}
	*fileAliased += aliased
	return nil, ""
}

// excessiveAliasing is go.yaml.in/yaml/v3's rule (the API server's YAML
// decoder has the same): a document of more than 1,000 nodes may take up to
// 99% of them from aliases up to 400,000 nodes, a share that falls to 10%
// at 4,000,000.
func excessiveAliasing(total, aliased int) bool {
	if aliased <= 100 || total <= 1000 {
		return false
	}
	allowed := 0.99
	switch {
	case total >= 4_000_000:
		allowed = 0.10
	case total > 400_000:
		allowed = 0.99 - 0.89*float64(total-400_000)/float64(4_000_000-400_000)
	}
	return float64(aliased)/float64(total) > allowed
}

// expansion measures a node graph with its aliases expanded.
type expansion struct {
	// size is the expanded size of each node measured, saturated at
	// maxCount.
	size     map[*yaml.Node]int
	visiting map[*yaml.Node]bool
	// first is the first alias in document order, cycle the first alias
	// found inside its own anchor.
	first, cycle *yaml.Node
}

// maxCount caps the sizes, which grow exponentially with nested aliases.
const maxCount = 1 << 50

// walk counts the nodes of the tree under n as written (aliases count one,
// and are not followed), recording the first alias.
func (x *expansion) walk(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		if x.first == nil {
			x.first = n
		}
		return 1
	}
	count := 1
	for _, c := range n.Content {
		count += x.walk(c)
	}
	return count
}

// expanded returns the number of nodes under n with every alias expanded
// (an alias counts one, plus its anchor's expansion). Sizes are memoized,
// so a graph of aliases is measured in time linear in its written size.
func (x *expansion) expanded(n *yaml.Node) int {
	if s, ok := x.size[n]; ok {
		return s
	}
	if x.visiting == nil {
		x.visiting = map[*yaml.Node]bool{}
	}
	if x.visiting[n] {
		return maxCount // a cycle; recorded by the alias that closed it
	}
	x.visiting[n] = true
	count := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if x.visiting[n.Alias] && x.cycle == nil {
			x.cycle = n
		}
		count = satAdd(count, x.expanded(n.Alias))
	}
	for _, c := range n.Content {
		count = satAdd(count, x.expanded(c))
	}
	delete(x.visiting, n)
	x.size[n] = count
	return count
}

func satAdd(a, b int) int { return min(a+b, maxCount) }

// countString renders a node count, "more than 10^15" when saturated.
func countString(n int) string {
	if n >= maxCount-maxAliasNodes {
		return "more than 10^15"
	}
	return fmt.Sprint(n)
}
