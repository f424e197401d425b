package focus

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvSource reads records with encoding/csv, reusing one record slice:
// per row it allocates only the string the csv package keeps the row's
// cells in.
type csvSource struct {
	cr  *csv.Reader
	n   int // fields in the header
	rec record
}

// openCSV reads the header line of a CSV export.
func (r *Reader) openCSV(br *bufio.Reader, gzipped bool) error {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = delimiter(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return &HeaderError{File: r.name, Msg: "the file is empty: a FOCUS export starts with a header line"}
		case errors.As(err, &pe):
			return &HeaderError{File: r.name, Msg: fmt.Sprintf("the header line cannot be read as CSV: %v", pe)}
		case gzipped:
			return &FileError{File: r.name, Err: gzipErr(err)}
		default:
			return &FileError{File: r.name, Err: err}
		}
	}
	r.header = make([]string, len(header))
	for i, h := range header {
		r.header[i] = strings.Clone(trimSpaces(h))
	}
	r.csv = true
	r.src = &csvSource{cr: cr, n: len(header)}
	return nil
}

// delimiter picks the delimiter from the header line alone: a comma if
// it has one, else a semicolon, else a tab, else a comma (a one-column
// file).
func delimiter(br *bufio.Reader) rune {
	var line []byte
	for n := 4096; ; n *= 2 {
		if n > br.Size() {
			n = br.Size()
		}
		b, err := br.Peek(n)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line = b[:i]
			break
		}
		if err != nil || n == br.Size() {
			line = b
			break
		}
	}
	switch {
	case bytes.IndexByte(line, ',') >= 0:
		return ','
	case bytes.IndexByte(line, ';') >= 0:
		return ';'
	case bytes.IndexByte(line, '\t') >= 0:
		return '\t'
	}
	return ','
}

func (s *csvSource) next() (*record, error) {
	fields, err := s.cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return nil, err
		}
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return nil, &RowError{Line: pe.StartLine, Msg: fmt.Sprintf("has %d fields, the header has %d", len(fields), s.n)}
		}
		return nil, &RowError{Line: pe.StartLine, Msg: fmt.Sprintf("is not valid CSV: %v at line %d, column %d", pe.Err, pe.Line, pe.Column)}
	}
	s.rec.line, _ = s.cr.FieldPos(0)
	s.rec.fields = fields
	return &s.rec, nil
}

func (s *csvSource) close() error { return nil }
