# METADATA
# title: kvet results
# description: |
#   Constructors for the results kvet reads from a policy's deny, violation
#   and warn rules. A result is an object with a message (msg) and the path
#   of the field it is about (keys and indices from the root of the
#   manifest, e.g. ["rules", 0, "verbs", 2]); kvet turns the path into a line
#   and column with the same resolver its Go rules use. A path to a missing
#   field resolves to its nearest existing ancestor.
package kvet.lib.result

# at returns a finding with message msg about the field at path.
at(path, msg) := {"msg": msg, "path": path}

# with_severity is at with a severity ("error", "warning" or "info") that
# replaces the policy's default for this finding only.
with_severity(path, msg, severity) := {"msg": msg, "path": path, "severity": severity}

# quote renders a manifest value for a message: a string quoted as
# sprintf's %q does, anything else as JSON. Longer than 200 characters, it
# is cut there and followed by how long it is ("\"aaa…\"… (2097152
# characters)"), as kvet's Go rules do, so a huge value is never echoed
# whole into a message.
quote(x) := sprintf("%q… (%d characters)", [substring(x, 0, max_quoted), count(x)]) if {
	is_string(x)
	count(x) > max_quoted
} else := sprintf("%q", [x]) if {
	is_string(x)
} else := sprintf("%s… (%d characters)", [substring(json.marshal(x), 0, max_quoted), count(json.marshal(x))]) if {
	count(json.marshal(x)) > max_quoted
} else := json.marshal(x)

# shorten is quote for a string a message shows without quotes (a name
# after its kind): the string itself, or its first 200 characters and how
# long it is.
shorten(x) := sprintf("%s… (%d characters)", [substring(x, 0, max_quoted), count(x)]) if {
	is_string(x)
	count(x) > max_quoted
} else := x if {
	is_string(x)
} else := quote(x)

# max_quoted is the number of characters of a value that quote keeps.
max_quoted := 200
