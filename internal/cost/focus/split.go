package focus

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"strings"
)

// splitter splits CSV records into fields. It reads what encoding/csv
// reads (RFC 4180 quoting, "" for a quote, quoted fields across lines,
// \r\n read as \n, empty lines skipped) and returns the same fields
// (FuzzSplit holds it to that), in about half the time: it copies each
// line once, into the one string its fields are cut from (one allocation
// per row), finds delimiters eight bytes at a time and leaves "" escapes
// in place until a value is needed. Unlike encoding/csv it accepts a
// quote inside an unquoted field as a literal character (that cannot
// shift fields); a quoted field that does not close properly is still an
// error.
type splitter struct {
	br    *bufio.Reader
	comma byte

	line   int    // lines read so far
	off    int64  // bytes read so far
	start  int64  // offset of the record read() returned last
	long   []byte // a line longer than the bufio buffer
	buf    []byte // the record's raw lines
	tmp    []byte // unescaped content of quoted fields that needed it
	bounds []fieldBounds
	fields []string
	esc    escSet // the quoted fields still holding "" escapes
}

type fieldBounds struct {
	start, end int
	inTmp      bool // the field's bytes are in tmp, not buf
}

// errQuote is a quoted field that does not end in a quote followed by a
// delimiter or the end of the line.
var errQuote = errors.New(`a quoted field is not closed by a quote followed by a delimiter or the end of the line`)

// readLine reads one line, as encoding/csv does: a trailing \r at the end
// of the input is dropped and \r\n becomes \n.
func (s *splitter) readLine() ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.br.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	s.off += int64(len(line))
	if n := len(line); n > 0 && err == io.EOF {
		err = nil
		if line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	s.line++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// read returns the next record's fields (valid until the next call), which
// of them still hold "" escapes (see unescape), and the line the record
// starts on. At the end it returns io.EOF; a broken quoted field gives
// errQuote along with the line it was found on; a read error is returned
// as it is.
//
// The fast path copies the line into one string and cuts the fields
// from it, leaving a quoted field with "" in it as it is written, for the
// caller to unescape if it needs the value (the Tags cache does not). A
// quoted field that goes on past the line takes the slow path.
func (s *splitter) read() (fields []string, esc escSet, recLine, errLine int, err error) {
	var line []byte
	var errRead error
	for errRead == nil {
		s.start = s.off
		line, errRead = s.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // an empty line
		}
		break
	}
	if errRead == io.EOF {
		return nil, nil, 0, 0, io.EOF
	}
	recLine = s.line
	content := line[:len(line)-lengthNL(line)]
	switch s.scan(content, string(content)) {
	case scanDone:
		if errRead != nil {
			return nil, nil, recLine, s.line, errRead
		}
		return s.fields, s.esc, recLine, 0, nil
	case scanBadQuote:
		return nil, nil, recLine, s.line, errQuote
	}
	fields, errLine, err = s.readSlow(line, errRead)
	clear(s.esc)
	return fields, s.esc, recLine, errLine, err
}

type scanResult int

const (
	scanDone     scanResult = iota
	scanBadQuote            // a quoted field closed by a quote not followed by a delimiter
	scanOpen                // a quoted field goes on past the line
)

// scan cuts one line's fields out of str, a copy of b. Delimiters are
// found in b a word at a time.
func (s *splitter) scan(b []byte, str string) scanResult {
	comma := s.comma
	cm := uint64(comma) * lo
	s.fields = s.fields[:0]
	clear(s.esc)
	n := len(b)
	pos := 0
	for {
		if pos < n && b[pos] == '"' {
			j := pos + 1
			escaped := false
			for {
				k := bytes.IndexByte(b[j:], '"')
				if k < 0 {
					return scanOpen
				}
				j += k + 1
				if j < n && b[j] == '"' {
					escaped = true
					j++
					continue
				}
				if j == n || b[j] == comma {
					break
				}
				return scanBadQuote
			}
			if escaped {
				s.esc = s.esc.set(len(s.fields))
			}
			s.fields = append(s.fields, str[pos+1:j-1])
			if j == n {
				return scanDone
			}
			pos = j + 1
			continue
		}
		k := indexDelim(b, pos, comma, cm)
		if k < 0 {
			s.fields = append(s.fields, str[pos:])
			return scanDone
		}
		s.fields = append(s.fields, str[pos:k])
		pos = k + 1
	}
}

const (
	lo = 0x0101010101010101
	hi = 0x8080808080808080
)

// indexDelim returns the index of the first delimiter in b at or after
// from, or -1. Fields are short, so it tests eight bytes at a time
// without a call (cm is the delimiter in every byte of a word): a byte
// of x = word^cm is zero where the delimiter is, and (x-lo) &^ x & hi
// marks the lowest such byte exactly.
func indexDelim(b []byte, from int, comma byte, cm uint64) int {
	i := from
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) ^ cm
		if t := (x - lo) &^ x & hi; t != 0 {
			return i + bits.TrailingZeros64(t)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == comma {
			return i
		}
	}
	return -1
}

// escSet marks the fields of a record that still hold "" escapes.
type escSet []uint64

func (e escSet) has(i int) bool {
	w := i >> 6
	return w < len(e) && e[w]&(1<<(uint(i)&63)) != 0
}

func (e escSet) set(i int) escSet {
	for len(e) <= i>>6 {
		e = append(e, 0)
	}
	e[i>>6] |= 1 << (uint(i) & 63)
	return e
}

// unescape turns the "" of a quoted field read by the fast path into ".
func unescape(s string) string { return strings.ReplaceAll(s, `""`, `"`) }

// readSlow reads a record whose quoted field spans lines, starting from
// its first line, unescaping as it goes.
func (s *splitter) readSlow(line []byte, errRead error) (fields []string, errLine int, err error) {
	s.buf = append(s.buf[:0], line...)
	s.tmp = s.tmp[:0]
	s.bounds = s.bounds[:0]
	comma := s.comma
	buf := s.buf
	n := len(buf) - lengthNL(buf) // end of the content
	pos := 0

fields:
	for {
		if pos >= n || buf[pos] != '"' {
			// Unquoted: up to the next delimiter or the end of the line.
			i := bytes.IndexByte(buf[pos:n], comma)
			if i < 0 {
				s.bounds = append(s.bounds, fieldBounds{start: pos, end: n})
				break fields
			}
			s.bounds = append(s.bounds, fieldBounds{start: pos, end: pos + i})
			pos += i + 1
			continue
		}
		// Quoted. The common case has no "" and ends on this line: the
		// field is a slice of buf.
		pos++
		if i := bytes.IndexByte(buf[pos:n], '"'); i >= 0 {
			after := pos + i + 1
			if after == n || buf[after] == comma {
				s.bounds = append(s.bounds, fieldBounds{start: pos, end: pos + i})
				if after == n {
					break fields
				}
				pos = after + 1
				continue
			}
		}
		// Otherwise unescape into tmp, reading more lines as needed.
		start := len(s.tmp)
		for {
			i := bytes.IndexByte(buf[pos:n], '"')
			if i < 0 {
				// No closing quote on this line: keep the rest, newline
				// included, and go on with the next line.
				s.tmp = append(s.tmp, buf[pos:]...)
				next, err := s.readLine()
				if err != nil && err != io.EOF {
					return nil, s.line, err
				}
				if len(next) == 0 {
					return nil, s.line, errQuote // the input ends inside the field
				}
				pos = len(buf)
				buf = append(buf, next...)
				s.buf = buf
				n = len(buf) - lengthNL(buf)
				continue
			}
			s.tmp = append(s.tmp, buf[pos:pos+i]...)
			pos += i + 1
			switch {
			case pos < n && buf[pos] == '"':
				s.tmp = append(s.tmp, '"')
				pos++
			case pos < n && buf[pos] == comma:
				s.bounds = append(s.bounds, fieldBounds{start: start, end: len(s.tmp), inTmp: true})
				pos++
				continue fields
			case pos >= n:
				s.bounds = append(s.bounds, fieldBounds{start: start, end: len(s.tmp), inTmp: true})
				break fields
			default:
				return nil, s.line, errQuote
			}
		}
	}
	if errRead != nil {
		return nil, s.line, errRead
	}

	// One string for the whole record: its raw lines, then the unescaped
	// fields.
	tmpAt := len(buf)
	buf = append(buf, s.tmp...)
	s.buf = buf
	str := string(buf)
	if cap(s.fields) < len(s.bounds) {
		s.fields = make([]string, len(s.bounds))
	}
	s.fields = s.fields[:len(s.bounds)]
	for i, b := range s.bounds {
		if b.inTmp {
			s.fields[i] = str[tmpAt+b.start : tmpAt+b.end]
		} else {
			s.fields[i] = str[b.start:b.end]
		}
	}
	return s.fields, 0, nil
}
