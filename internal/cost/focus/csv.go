package focus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// csvSource reads records with a splitter: per row it allocates only the
// one string the row's cells are cut from.
type csvSource struct {
	sp  *splitter
	n   int // fields in the header
	rec record
	// limit ends a chunk from Reader.Split: the offset, relative to the
	// chunk's start, where the next chunk's first record starts (0: none).
	limit int64
}

// openCSV reads the header line of a CSV export.
func (r *Reader) openCSV(br *bufio.Reader, gzipped bool) error {
	bom := int64(0)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		bom = 3
	}
	sp := &splitter{br: br, comma: delimiter(br)}
	header, esc, _, line, err := sp.read()
	if err != nil {
		switch {
		case err == io.EOF:
			return &HeaderError{File: r.name, Msg: "the file is empty: a FOCUS export starts with a header line"}
		case err == errQuote:
			return &HeaderError{File: r.name, Msg: fmt.Sprintf("the header cannot be read as CSV: line %d: %v", line, err)}
		case gzipped:
			return &FileError{File: r.name, Err: gzipErr(err)}
		default:
			return &FileError{File: r.name, Err: err}
		}
	}
	r.header = make([]string, len(header))
	for i, h := range header {
		if esc.has(i) {
			h = unescape(h)
		}
		r.header[i] = strings.Clone(trimSpaces(h))
	}
	r.csv = true
	r.src = &csvSource{sp: sp, n: len(header)}
	if !gzipped {
		r.dataStart = bom + sp.off
	}
	return nil
}

// delimiter picks the delimiter from the header line alone: a comma if
// it has one, else a semicolon, else a tab, else a comma (a one-column
// file).
func delimiter(br *bufio.Reader) byte {
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
	fields, esc, line, errLine, err := s.sp.read()
	switch {
	case err == io.EOF:
		return nil, io.EOF
	case s.limit > 0 && s.sp.start >= s.limit:
		return nil, io.EOF // the next chunk's first record
	case s.limit > 0 && s.sp.off > s.limit:
		return nil, ErrMisaligned
	case err == errQuote:
		return nil, &RowError{Line: line, Msg: fmt.Sprintf("is not valid CSV: %v (line %d)", err, errLine)}
	case err != nil:
		return nil, err
	case len(fields) != s.n:
		return nil, &RowError{Line: line, Msg: fmt.Sprintf("has %d fields, the header has %d", len(fields), s.n)}
	}
	s.rec.line = line
	s.rec.fields = fields
	s.rec.esc = esc
	return &s.rec, nil
}

func (s *csvSource) close() error { return nil }
