// Package yamlfile decodes hand-written YAML strictly: unknown keys are
// errors that name the file, the line and the keys that would be valid, and
// every problem in a file is reported at once rather than one per run.
package yamlfile

import (
	"fmt"
	"strings"
)

// Error is one problem at one place in one file.
type Error struct {
	File string
	Line int
	// Doc is the 1-based index of the YAML document in a multi-document
	// file, or 0 when the file holds a single document.
	Doc int
	// Path is the field at fault, e.g. "environments[1].name".
	Path string
	Msg  string
}

func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Doc > 0 {
		fmt.Fprintf(&b, " (document %d)", e.Doc)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one pass; it is an error only when
// non-empty (use Err).
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns nil when there are no problems, so callers can write
// `return errs.Err()` without the typed-nil trap.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
