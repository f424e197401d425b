package focus

import (
	"fmt"
	"strings"
)

// RowError is one row that cannot be imported: a cost that is not a
// number, a required value that is NULL, a datetime that is not one, a
// row with the wrong number of fields or broken quoting. Next returns it
// instead of a row; the next call to Next reads on, so the caller decides
// whether one bad row fails the import or is skipped.
type RowError struct {
	File   string
	Line   int    // 1-based line of the row in the file (Parquet: row number + 1)
	Column string // FOCUS column at fault; "" when the row as a whole is broken
	Value  string // the raw value at fault (cut to 80 bytes)
	Msg    string // what is wrong, e.g. "is not a number"
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	if e.Value == "" {
		return fmt.Sprintf("%s:%d: column %s: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d: column %s: %q %s", e.File, e.Line, e.Column, e.Value, e.Msg)
}

// HeaderError is a file that cannot be read as FOCUS at all: required
// columns missing, duplicate column names, no header, not CSV or
// Parquet. Open returns it.
type HeaderError struct {
	File string
	// Version is the FOCUS version detected from the columns; its
	// Mandatory set was the one checked.
	Version string
	// Missing are the required columns (see the package doc) the file
	// lacks; MissingMandatory the other columns of Version's Mandatory
	// set it lacks, reported alongside.
	Missing, MissingMandatory []string
	// Duplicates are column names that appear more than once.
	Duplicates []string
	// Msg explains anything else (empty file, unsupported format) or adds
	// a hint.
	Msg string
}

func (e *HeaderError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	var parts []string
	if len(e.Missing) > 0 {
		s := fmt.Sprintf("missing required columns %s; the columns look like FOCUS %s, whose mandatory set was applied",
			strings.Join(e.Missing, ", "), e.Version)
		if len(e.MissingMandatory) > 0 {
			s += fmt.Sprintf(": it also lacks %s, which paved does not need", strings.Join(e.MissingMandatory, ", "))
		}
		parts = append(parts, s)
	}
	if len(e.Duplicates) > 0 {
		parts = append(parts, "duplicate columns "+strings.Join(e.Duplicates, ", "))
	}
	if e.Msg != "" {
		parts = append(parts, e.Msg)
	}
	b.WriteString(strings.Join(parts, "; "))
	return b.String()
}

// FileError is a file that stopped being readable part-way: a truncated
// or corrupt gzip stream, a failing disk, a broken Parquet page. It wraps
// the underlying error; after it, Next keeps returning it.
type FileError struct {
	File string
	Line int // the last line read before the failure (0: before any row)
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: after line %d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// cut bounds a value quoted in an error message.
func cut(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
