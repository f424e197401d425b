package input

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonParser is a small JSON parser over a byte slice, built for large
// Terraform plans: it skips the parts paved does not need (planned_values,
// prior_state...) without allocating, decodes the parts it needs straight
// into JSON-shaped Go values (numbers as json.Number), and knows the
// offset of everything, so documents get their line. On a 42 MB plan of
// 20,000 resources, terraform-json's Unmarshal took 2.2 s and
// encoding/json's streaming decoder into the few fields needed 0.9 s;
// this, with the resource changes decoded on every core, about 0.3 s.
type jsonParser struct {
	file    string
	data    []byte
	pos     int
	depth   int
	keys    map[string]string // interned object keys: plans repeat them a lot
	vals    map[string]any    // interned short strings and numbers, boxed once
	pairs   []kv              // scratch stack for building objects
	elems   []any             // scratch stack for building arrays
	scratch []byte
	err     error
	// lineOff/lineNo cache the last line computed, so that asking for
	// lines in increasing order costs one pass over the data.
	lineOff, lineNo int
}

type kv struct {
	k string
	v any
}

const maxJSONDepth = 10000

func newJSONParser(file string, data []byte) *jsonParser {
	return &jsonParser{file: file, data: data, keys: map[string]string{}, vals: map[string]any{}}
}

// line returns the 1-based line of offset off.
func (p *jsonParser) line(off int) int {
	if off > len(p.data) {
		off = len(p.data)
	}
	if off < p.lineOff || p.lineNo == 0 {
		p.lineOff, p.lineNo = 0, 1
	}
	p.lineNo += bytes.Count(p.data[p.lineOff:off], []byte{'\n'})
	p.lineOff = off
	return p.lineNo
}

func (p *jsonParser) fail(format string, args ...any) error {
	if p.err == nil {
		p.err = &Error{File: p.file, Line: p.line(p.pos), Msg: "invalid JSON: " + fmt.Sprintf(format, args...)}
	}
	return p.err
}

func (p *jsonParser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *jsonParser) peek() byte {
	p.ws()
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

func (p *jsonParser) describe() string {
	if p.pos >= len(p.data) {
		return "end of input"
	}
	c := p.data[p.pos]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (p *jsonParser) expect(c byte) error {
	if p.peek() != c {
		return p.fail("expected %q, found %s", c, p.describe())
	}
	p.pos++
	return nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.fail("nested deeper than %d levels", maxJSONDepth)
	}
	return nil
}

// object calls fn for each member of the object at the current position,
// with the position at the member's value; fn must consume the value.
func (p *jsonParser) object(fn func(key string) error) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	if err := p.enter(); err != nil {
		return err
	}
	if p.peek() == '}' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		if p.peek() != '"' {
			return p.fail("expected a string object key, found %s", p.describe())
		}
		key, err := p.key()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		p.ws()
		if err := fn(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return nil
		default:
			return p.fail("expected ',' or '}' after object member, found %s", p.describe())
		}
	}
}

// array calls fn for each element of the array at the current position,
// with the position at the element; fn must consume the element.
func (p *jsonParser) array(fn func() error) error {
	if err := p.expect('['); err != nil {
		return err
	}
	if err := p.enter(); err != nil {
		return err
	}
	if p.peek() == ']' {
		p.pos++
		p.depth--
		return nil
	}
	for {
		p.ws()
		if err := fn(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return nil
		default:
			return p.fail("expected ',' or ']' after array element, found %s", p.describe())
		}
	}
}

// key reads an object key, interned.
func (p *jsonParser) key() (string, error) {
	raw, esc, err := p.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return p.unescape(raw)
	}
	if s, ok := p.keys[string(raw)]; ok {
		return s, nil
	}
	s := string(raw)
	if len(p.keys) < 8192 {
		p.keys[s] = s
	}
	return s, nil
}

// str reads a string value.
func (p *jsonParser) str() (string, error) {
	if p.peek() != '"' {
		return "", p.fail("expected a string, found %s", p.describe())
	}
	raw, esc, err := p.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return p.unescape(raw)
	}
	return string(raw), nil
}

// scanString moves past the string at the current position (which starts
// with '"') and returns its raw content and whether it has escapes.
func (p *jsonParser) scanString() (raw []byte, escaped bool, err error) {
	p.pos++ // opening quote
	start := p.pos
	for {
		d := p.data
		i := p.pos
		for i < len(d) && !stringStop[d[i]] {
			i++
		}
		p.pos = i
		if i >= len(d) {
			return nil, false, p.fail("unterminated string")
		}
		if d[i] < 0x20 {
			return nil, false, p.fail("control character %s in string", p.describe())
		}
		if d[i] == '"' {
			raw = d[start:i]
			p.pos++
			return raw, escaped, nil
		}
		escaped = true
		p.pos++ // backslash
		if p.pos >= len(p.data) {
			return nil, false, p.fail("unterminated string")
		}
		switch p.data[p.pos] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			p.pos++
		case 'u':
			if p.pos+5 > len(p.data) {
				return nil, false, p.fail("truncated \\u escape")
			}
			for _, h := range p.data[p.pos+1 : p.pos+5] {
				if !isHex(h) {
					return nil, false, p.fail("invalid \\u escape")
				}
			}
			p.pos += 5
		default:
			return nil, false, p.fail("invalid escape \\%c in string", p.data[p.pos])
		}
	}
}

// stringStop marks the bytes that end the plain run of a string: the
// closing quote, a backslash, and control characters (an error).
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unescape decodes raw, a validated string body with escapes.
func (p *jsonParser) unescape(raw []byte) (string, error) {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := rune(hex4(raw[i+1 : i+5]))
			i += 4 // at the last hex digit
			if utf16.IsSurrogate(r) && i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
				if d := utf16.DecodeRune(r, rune(hex4(raw[i+3:i+7]))); d != utf8.RuneError {
					r = d
					i += 6
				}
			}
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
		default: // " \ /
			b = append(b, raw[i])
		}
		i++
	}
	return string(b), nil
}

func hex4(b []byte) int {
	n := 0
	for _, c := range b {
		n <<= 4
		switch {
		case c >= 'a':
			n |= int(c-'a') + 10
		case c >= 'A':
			n |= int(c-'A') + 10
		default:
			n |= int(c - '0')
		}
	}
	return n
}

// number scans the number at the current position.
func (p *jsonParser) number() ([]byte, error) {
	start := p.pos
	d := p.data
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		p.pos = i
		return nil, p.fail("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			p.pos = i
			return nil, p.fail("invalid number: expected a digit after '.'")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			p.pos = i
			return nil, p.fail("invalid number: expected a digit in the exponent")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	p.pos = i
	return d[start:i], nil
}

func (p *jsonParser) literal(word string) error {
	if !bytes.HasPrefix(p.data[p.pos:], []byte(word)) {
		return p.fail("unexpected %s", p.describe())
	}
	p.pos += len(word)
	return nil
}

// skip moves past the value at the current position without building
// it. Scalars are checked in full; inside an object or array it checks
// that brackets match, that strings end and that nothing but JSON's own
// characters appear between them (not the order of commas, colons and
// words), which keeps skipping the parts of a plan paved does not read
// (planned_values, prior_state...) near memory speed.
func (p *jsonParser) skip() error {
	d := p.data
	c := p.peek()
	if c != '{' && c != '[' {
		switch c {
		case '"':
			_, _, err := p.scanString()
			return err
		case 't':
			return p.literal("true")
		case 'f':
			return p.literal("false")
		case 'n':
			return p.literal("null")
		}
		_, err := p.number()
		return err
	}
	var buf [64]byte
	stack := buf[:0] // open brackets
	i := p.pos
	for i < len(d) {
		switch skipClass[d[i]] {
		case skipOther:
			i++
		case skipOpen:
			if len(stack) >= maxJSONDepth {
				p.pos = i
				return p.fail("nested deeper than %d levels", maxJSONDepth)
			}
			stack = append(stack, d[i])
			i++
		case skipClose:
			if len(stack) == 0 || stack[len(stack)-1] != d[i]-2 { // '{'+2 == '}', '['+2 == ']'
				p.pos = i
				return p.fail("unexpected %s", p.describe())
			}
			stack = stack[:len(stack)-1]
			i++
			if len(stack) == 0 {
				p.pos = i
				return nil
			}
		case skipQuote:
			// The closing quote is the next one not escaped by an odd
			// number of backslashes.
			j := i + 1
			for {
				k := bytes.IndexByte(d[j:], '"')
				if k < 0 {
					p.pos = len(d)
					return p.fail("unterminated string")
				}
				j += k
				n := 0
				for d[j-1-n] == '\\' {
					n++
				}
				j++
				if n%2 == 0 {
					break
				}
			}
			i = j
		default:
			p.pos = i
			return p.fail("unexpected %s", p.describe())
		}
	}
	p.pos = i
	return p.fail("unexpected end of input")
}

const (
	skipBad = iota
	skipOther
	skipOpen
	skipClose
	skipQuote
)

// skipClass sorts bytes for skip: what may appear in JSON outside
// strings, brackets and quotes.
var skipClass = func() (t [256]byte) {
	for _, c := range []byte(" \t\r\n,:0123456789+-.eEtruefalsn") {
		t[c] = skipOther
	}
	t['{'], t['['] = skipOpen, skipOpen
	t['}'], t[']'] = skipClose, skipClose
	t['"'] = skipQuote
	return t
}()

// value decodes the value at the current position.
func (p *jsonParser) value() (any, error) {
	if p.depth >= maxJSONDepth {
		return nil, p.fail("nested deeper than %d levels", maxJSONDepth)
	}
	switch p.peek() {
	case '{':
		p.pos++
		p.depth++
		base := len(p.pairs)
		if p.peek() != '}' {
			for {
				if p.peek() != '"' {
					return nil, p.fail("expected a string object key, found %s", p.describe())
				}
				k, err := p.key()
				if err != nil {
					return nil, err
				}
				if p.peek() != ':' {
					return nil, p.fail("expected ':' after object key, found %s", p.describe())
				}
				p.pos++
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				p.pairs = append(p.pairs, kv{k, v})
				c := p.peek()
				p.pos++
				if c == '}' {
					break
				}
				if c != ',' {
					p.pos--
					return nil, p.fail("expected ',' or '}' after object member, found %s", p.describe())
				}
			}
		} else {
			p.pos++
		}
		p.depth--
		m := make(map[string]any, len(p.pairs)-base)
		for _, e := range p.pairs[base:] {
			m[e.k] = e.v
		}
		clear(p.pairs[base:])
		p.pairs = p.pairs[:base]
		return m, nil
	case '[':
		p.pos++
		p.depth++
		base := len(p.elems)
		if p.peek() != ']' {
			for {
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				p.elems = append(p.elems, v)
				c := p.peek()
				p.pos++
				if c == ']' {
					break
				}
				if c != ',' {
					p.pos--
					return nil, p.fail("expected ',' or ']' after array element, found %s", p.describe())
				}
			}
		} else {
			p.pos++
		}
		p.depth--
		s := make([]any, len(p.elems)-base)
		copy(s, p.elems[base:])
		clear(p.elems[base:])
		p.elems = p.elems[:base]
		return s, nil
	case '"':
		raw, esc, err := p.scanString()
		if err != nil {
			return nil, err
		}
		if esc {
			return p.unescape(raw)
		}
		return p.intern(raw, false), nil
	case 't':
		return true, p.literal("true")
	case 'f':
		return false, p.literal("false")
	case 'n':
		return nil, p.literal("null")
	default:
		n, err := p.number()
		if err != nil {
			return nil, err
		}
		return p.intern(n, true), nil
	}
}

// intern returns a short string or number boxed once per parser: plans
// repeat values such as "", "tcp", "0" and "STANDARD" thousands of times.
func (p *jsonParser) intern(raw []byte, number bool) any {
	if len(raw) > 24 {
		if number {
			return json.Number(raw)
		}
		return string(raw)
	}
	key := raw
	if number { // keep numbers apart from strings with the same text
		key = append(append(p.scratch[:0], 0), raw...)
		p.scratch = key
	}
	if v, ok := p.vals[string(key)]; ok {
		return v
	}
	var v any
	if number {
		v = json.Number(raw)
	} else {
		v = string(raw)
	}
	if len(p.vals) < 4096 {
		p.vals[string(key)] = v
	}
	return v
}

// stringArray decodes an array of strings (null is an empty array).
func (p *jsonParser) stringArray() ([]string, error) {
	if p.peek() == 'n' {
		return nil, p.literal("null")
	}
	var out []string
	err := p.array(func() error {
		s, err := p.str()
		out = append(out, s)
		return err
	})
	return out, err
}

// optString decodes a string or null.
func (p *jsonParser) optString() (string, error) {
	if p.peek() == 'n' {
		return "", p.literal("null")
	}
	return p.str()
}

// end checks that only white space follows.
func (p *jsonParser) end() error {
	if p.peek() != 0 {
		return p.fail("unexpected %s after the top-level value", p.describe())
	}
	return nil
}
