package input

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// fastYAML parses the block-style YAML that kubectl, Helm and Kustomize
// write (block mappings and sequences, indentless sequences, plain and
// single-line quoted scalars, single-line flow collections, literal block
// scalars, comments) about ten times faster than go-yaml, straight into
// JSON-shaped values. Whatever else it meets (anchors, aliases, tags,
// folded or multi-line scalars, tabs, anything invalid) it hands back:
// the caller then decodes the document with go-yaml, which also produces
// the error messages. FuzzKubernetes checks that both agree on every
// document the fast path accepts.
type fastYAML struct {
	src     []byte
	lines   []yline
	i       int // current line
	depth   int
	keys    map[string]string
	vals    map[string]any // plain scalars, resolved and boxed once
	items   []int          // lines of the root mapping's items elements
	inItems bool
}

// yline is one line: [start, end) without the newline; indent is the
// column of its first non-space byte.
type yline struct {
	start, end, indent int
	blank              bool // empty, spaces only, or a comment
}

// slowPath is the panic value that says: decode this document with
// go-yaml instead.
type slowPath struct{}

const maxFastDepth = 200

func newFastYAML() *fastYAML {
	return &fastYAML{keys: map[string]string{}, vals: map[string]any{}}
}

// plain resolves a plain scalar, remembering short ones: manifests repeat
// values such as TCP, ClusterIP, Helm and 80 over and over.
func (f *fastYAML) plain(text []byte) any {
	if v, ok := f.vals[string(text)]; ok {
		return v
	}
	s := string(text)
	v := plainValue(s)
	if len(s) <= 32 && len(f.vals) < 4096 {
		f.vals[s] = v
	}
	return v
}

func (f *fastYAML) text(l yline) []byte { return f.src[l.start+l.indent : l.end] }

// parse returns the document's value and the line (1-based, within the
// segment) its root starts on; empty is true for a document with no
// content. ok is false when the document needs go-yaml.
func (f *fastYAML) parse(src []byte) (v any, line int, empty, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, slow := r.(slowPath); !slow {
				panic(r)
			}
			v, line, empty, ok = nil, 0, false, false
		}
	}()
	f.src, f.i, f.depth, f.items, f.inItems = src, 0, 0, f.items[:0], false
	if !fastYAMLSafe(src) {
		return nil, 0, false, false
	}
	f.split()
	// Skip leading comments and one document marker.
	for f.i < len(f.lines) {
		l := f.lines[f.i]
		if l.blank {
			f.i++
			continue
		}
		t := f.text(l)
		if l.indent == 0 && isDocMarker(t) {
			if rest := bytes.TrimLeft(t[3:], " "); len(rest) > 0 && rest[0] != '#' {
				return nil, 0, false, false // --- inline content
			}
			f.i++
			continue
		}
		break
	}
	if !f.next() {
		return nil, 0, true, true
	}
	l := f.lines[f.i]
	if t := f.text(l); !f.isKey(t) || l.indent != 0 {
		return nil, 0, false, false // not a mapping at column 0: go-yaml says what it is
	}
	line = f.i + 1
	v = f.mapping(0, true)
	if f.next() {
		return nil, 0, false, false // content after the root mapping
	}
	return v, line, false, true
}

// fastYAMLSafe rejects what the fast path does not handle at all: tabs,
// carriage returns, characters YAML does not allow, and a last line with
// no newline (block scalar chomping at the end of input).
func fastYAMLSafe(src []byte) bool {
	if len(src) > 0 && src[len(src)-1] != '\n' {
		return false
	}
	ascii := true
	for _, c := range src {
		if c < 0x20 && c != '\n' || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return true
	}
	if !utf8.Valid(src) {
		return false
	}
	for _, r := range string(src) {
		switch {
		case r >= 0x80 && r <= 0x9f && r != 0x85, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
	}
	return true
}

func (f *fastYAML) split() {
	f.lines = f.lines[:0]
	for off := 0; off < len(f.src); {
		end := bytes.IndexByte(f.src[off:], '\n')
		if end < 0 {
			end = len(f.src)
		} else {
			end += off
		}
		ind := 0
		for off+ind < end && f.src[off+ind] == ' ' {
			ind++
		}
		blank := off+ind == end || f.src[off+ind] == '#'
		f.lines = append(f.lines, yline{start: off, end: end, indent: ind, blank: blank})
		off = end + 1
	}
}

// next moves to the next line with content; false at the end.
func (f *fastYAML) next() bool {
	for f.i < len(f.lines) && f.lines[f.i].blank {
		f.i++
	}
	if f.i < len(f.lines) {
		l := f.lines[f.i]
		if l.indent == 0 {
			t := f.text(l)
			if isDocMarker(t) || bytes.HasPrefix(t, []byte("...")) || t[0] == '%' {
				panic(slowPath{})
			}
		}
		return true
	}
	return false
}

func slow() { panic(slowPath{}) }

func (f *fastYAML) enter() {
	f.depth++
	if f.depth > maxFastDepth {
		slow()
	}
}

// isKey reports whether t starts with a simple key followed by ':'.
func (f *fastYAML) isKey(t []byte) bool {
	_, _, ok := f.key(t)
	return ok
}

// key splits "key: rest" into the key and what follows the colon and its
// spaces.
func (f *fastYAML) key(t []byte) (key string, rest []byte, ok bool) {
	if len(t) == 0 {
		return "", nil, false
	}
	var end int
	switch t[0] {
	case '"', '\'':
		s, n, ok := quoted(t)
		if !ok {
			return "", nil, false
		}
		key, end = s, n
		for end < len(t) && t[end] == ' ' {
			end++
		}
		if end >= len(t) || t[end] != ':' {
			return "", nil, false
		}
	default:
		if !plainStart(t, false) {
			return "", nil, false
		}
		end = -1
		for j := 0; j < len(t); j++ {
			if t[j] == '#' && j > 0 && t[j-1] == ' ' {
				return "", nil, false // a comment before any colon
			}
			if t[j] == ':' && (j+1 == len(t) || t[j+1] == ' ') {
				end = j
				break
			}
		}
		if end < 0 {
			return "", nil, false
		}
		k := bytes.TrimRight(t[:end], " ")
		if len(k) == 0 || len(k) > 1000 || string(k) == "<<" {
			return "", nil, false
		}
		if s, ok := f.keys[string(k)]; ok {
			key = s
		} else {
			key = string(k)
			if len(f.keys) < 10000 {
				f.keys[key] = key
			}
		}
		if key == "~" {
			key = "null"
		}
	}
	rest = t[end+1:]
	if len(rest) > 0 && rest[0] != ' ' {
		return "", nil, false
	}
	return key, bytes.TrimLeft(rest, " "), true
}

// plainStart reports whether t can start a plain scalar.
func plainStart(t []byte, flow bool) bool {
	switch t[0] {
	case '-', '?', ':':
		return len(t) > 1 && t[1] != ' ' && (!flow || !strings.ContainsRune(",[]{}", rune(t[1]))) && t[0] != '?' && t[0] != ':'
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// mapping parses a block mapping whose keys are at column indent.
func (f *fastYAML) mapping(indent int, root bool) map[string]any {
	f.enter()
	m := map[string]any{}
	for f.next() {
		l := f.lines[f.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			slow()
		}
		k, rest, ok := f.key(f.text(l))
		if !ok {
			slow()
		}
		if _, dup := m[k]; dup {
			slow()
		}
		f.inItems = root && k == "items"
		m[k] = f.value(rest, indent, true)
		f.inItems = false
	}
	f.depth--
	return m
}

// value parses what follows "key:" or "- " on the current line, whose
// node is at column parent; indentless allows a sequence at the parent's
// own column (key:\n- a).
func (f *fastYAML) value(rest []byte, parent int, indentless bool) any {
	if len(rest) == 0 || rest[0] == '#' {
		f.i++
		if !f.next() {
			return nil
		}
		l := f.lines[f.i]
		t := f.text(l)
		isSeq := t[0] == '-' && (len(t) == 1 || t[1] == ' ')
		switch {
		case l.indent > parent && isSeq:
			return f.sequence(l.indent)
		case l.indent > parent:
			if !f.isKey(t) {
				slow() // a multi-line scalar, or an error
			}
			return f.mapping(l.indent, false)
		case l.indent == parent && indentless && isSeq:
			return f.sequence(l.indent)
		}
		return nil
	}
	var v any
	switch rest[0] {
	case '|':
		return f.literal(rest, parent)
	case '"', '\'':
		s, n, ok := quoted(rest)
		if !ok {
			slow()
		}
		v, rest = s, rest[n:]
	case '[', '{':
		p := flowParser{f: f, s: rest}
		v = p.value()
		rest = rest[p.pos:]
	default:
		if !plainStart(rest, false) {
			slow()
		}
		end := len(rest)
		for j := 0; j < len(rest); j++ {
			if rest[j] == '#' && rest[j-1] == ' ' {
				end = j
				break
			}
			if rest[j] == ':' && (j+1 == len(rest) || rest[j+1] == ' ') {
				slow() // key: a: b
			}
		}
		v = f.plain(bytes.TrimRight(rest[:end], " "))
		rest = nil
	}
	if t := bytes.TrimLeft(rest, " "); len(t) > 0 && (t[0] != '#' || len(t) == len(rest)) {
		slow() // something after a quoted or flow value
	}
	f.i++
	// A following line indented deeper continues a multi-line scalar.
	if f.next() && f.lines[f.i].indent > parent {
		slow()
	}
	return v
}

// sequence parses a block sequence whose dashes are at column indent.
func (f *fastYAML) sequence(indent int) []any {
	f.enter()
	track := f.inItems
	f.inItems = false
	out := []any{}
	for f.next() {
		l := f.lines[f.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			slow()
		}
		t := f.text(l)
		if t[0] != '-' || len(t) > 1 && t[1] != ' ' {
			break // the parent mapping's next key (indentless), or an error the parent finds
		}
		rest := bytes.TrimLeft(t[1:], " ")
		col := l.indent + (len(t) - len(rest))
		if len(rest) > 0 && rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ') {
			slow() // - - nested
		}
		if len(rest) > 0 && rest[0] != '#' && f.isKey(rest) {
			// - key: value: a mapping at the column of its first key.
			if track {
				f.items = append(f.items, f.i+1)
			}
			f.lines[f.i].indent = col
			out = append(out, f.mapping(col, false))
			continue
		}
		if track {
			line := f.i + 1
			if len(rest) == 0 || rest[0] == '#' {
				// "-" alone: the item is the block on the next lines, or
				// null (on this line) when there is none.
				j := f.i + 1
				for j < len(f.lines) && f.lines[j].blank {
					j++
				}
				if j < len(f.lines) && f.lines[j].indent > indent {
					line = j + 1
				}
			}
			f.items = append(f.items, line)
		}
		out = append(out, f.value(rest, indent, false))
	}
	f.depth--
	return out
}

// literal parses a literal block scalar (|, |-, |+) whose header is
// rest; its content is indented deeper than parent.
func (f *fastYAML) literal(rest []byte, parent int) string {
	chomp := byte(0)
	h := rest[1:]
	if len(h) > 0 && (h[0] == '-' || h[0] == '+') {
		chomp, h = h[0], h[1:]
	}
	if t := bytes.TrimLeft(h, " "); len(t) > 0 && (t[0] != '#' || len(t) == len(h)) {
		slow() // an indentation indicator, or something else
	}
	f.i++
	// The first line with content sets the indentation.
	j := f.i
	for j < len(f.lines) && f.lines[j].start+f.lines[j].indent == f.lines[j].end {
		j++
	}
	if j == len(f.lines) || f.lines[j].indent <= parent {
		slow() // an empty block scalar
	}
	ind := f.lines[j].indent
	var b strings.Builder
	trailing := 0 // blank lines after the last content line
	for ; f.i < len(f.lines); f.i++ {
		l := f.lines[f.i]
		if l.start+l.indent == l.end { // spaces only
			if l.indent > ind {
				slow()
			}
			trailing++
			continue
		}
		if l.indent < ind {
			break
		}
		for ; trailing > 0; trailing-- {
			b.WriteByte('\n')
		}
		b.Write(f.src[l.start+ind : l.end])
		b.WriteByte('\n')
	}
	s := b.String()
	switch chomp {
	case '-':
		s = strings.TrimRight(s, "\n")
	case '+':
		s += strings.Repeat("\n", trailing)
	}
	// A blank line before a line indented at most parent is fine; a
	// deeper one at this point would be an error go-yaml reports.
	if f.next() && f.lines[f.i].indent > parent {
		slow()
	}
	return s
}

// quoted parses a single-line quoted scalar at the start of t and returns
// its value and length.
func quoted(t []byte) (string, int, bool) {
	q := t[0]
	var b []byte
	for i := 1; i < len(t); i++ {
		c := t[i]
		switch {
		case c == q && q == '\'':
			if i+1 < len(t) && t[i+1] == '\'' {
				b = append(b, '\'')
				i++
				continue
			}
			return string(b), i + 1, true
		case c == q:
			return string(b), i + 1, true
		case c == '\\' && q == '"':
			if i+1 >= len(t) {
				return "", 0, false
			}
			i++
			switch e := t[i]; e {
			case '0':
				b = append(b, 0)
			case 'a':
				b = append(b, '\a')
			case 'b':
				b = append(b, '\b')
			case 't':
				b = append(b, '\t')
			case 'n':
				b = append(b, '\n')
			case 'v':
				b = append(b, '\v')
			case 'f':
				b = append(b, '\f')
			case 'r':
				b = append(b, '\r')
			case 'e':
				b = append(b, 0x1b)
			case ' ', '"', '/', '\\':
				b = append(b, e)
			case 'N':
				b = utf8.AppendRune(b, 0x85)
			case '_':
				b = utf8.AppendRune(b, 0xa0)
			case 'L':
				b = utf8.AppendRune(b, 0x2028)
			case 'P':
				b = utf8.AppendRune(b, 0x2029)
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if i+n >= len(t) {
					return "", 0, false
				}
				r, err := strconv.ParseUint(string(t[i+1:i+1+n]), 16, 32)
				if err != nil || r >= 0xd800 && r <= 0xdfff || r > 0x10ffff {
					return "", 0, false
				}
				b = utf8.AppendRune(b, rune(r))
				i += n
			default:
				return "", 0, false
			}
		default:
			b = append(b, c)
		}
	}
	return "", 0, false // not closed on this line
}

// flowParser parses a single-line flow collection.
type flowParser struct {
	f   *fastYAML
	s   []byte
	pos int
}

func (p *flowParser) spaces() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

// separator consumes the comma after a flow item, or checks that the
// collection closes with end; anything else (a double comma, a stray
// token) goes to the slow path.
func (p *flowParser) separator(end byte) {
	p.spaces()
	if p.pos < len(p.s) && p.s[p.pos] == ',' {
		p.pos++
		p.spaces()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			slow()
		}
		return
	}
	if p.pos >= len(p.s) || p.s[p.pos] != end {
		slow()
	}
}

func (p *flowParser) value() any {
	p.spaces()
	if p.pos >= len(p.s) {
		slow()
	}
	switch p.s[p.pos] {
	case '{':
		p.f.enter()
		p.pos++
		m := map[string]any{}
		for {
			p.spaces()
			if p.pos >= len(p.s) {
				slow()
			}
			if p.s[p.pos] == '}' {
				p.pos++
				p.f.depth--
				return m
			}
			k, ok := p.scalar(true).(string)
			if !ok {
				slow()
			}
			p.spaces()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				slow()
			}
			p.pos++
			if p.pos < len(p.s) && p.s[p.pos] != ' ' {
				slow()
			}
			if _, dup := m[k]; dup {
				slow()
			}
			p.spaces()
			if p.pos < len(p.s) && (p.s[p.pos] == ',' || p.s[p.pos] == '}') {
				m[k] = nil
			} else {
				m[k] = p.value()
			}
			p.separator('}')
		}
	case '[':
		p.f.enter()
		p.pos++
		out := []any{}
		for {
			p.spaces()
			if p.pos >= len(p.s) {
				slow()
			}
			if p.s[p.pos] == ']' {
				p.pos++
				p.f.depth--
				return out
			}
			out = append(out, p.value())
			p.separator(']')
		}
	}
	return p.scalar(false)
}

// scalar parses a quoted or plain scalar in a flow collection; asKey
// returns the key text rather than its resolved value.
func (p *flowParser) scalar(asKey bool) any {
	t := p.s[p.pos:]
	if t[0] == '"' || t[0] == '\'' {
		s, n, ok := quoted(t)
		if !ok {
			slow()
		}
		p.pos += n
		if p.pos < len(p.s) && !strings.ContainsRune(" ,]}:", rune(p.s[p.pos])) {
			slow()
		}
		return s
	}
	if !plainStart(t, true) {
		slow()
	}
	end := len(t)
	for j := 0; j < len(t); j++ {
		c := t[j]
		if c == ',' || c == '[' || c == ']' || c == '{' || c == '}' {
			end = j
			break
		}
		if c == '#' && t[j-1] == ' ' {
			slow()
		}
		if c == ':' && (j+1 == len(t) || strings.ContainsRune(" ,[]{}", rune(t[j+1]))) {
			end = j
			break
		}
	}
	raw := bytes.TrimRight(t[:end], " ")
	p.pos += end
	if len(raw) == 0 || string(raw) == "<<" {
		slow()
	}
	if asKey {
		if string(raw) == "~" {
			return "null"
		}
		return string(raw)
	}
	return p.f.plain(raw)
}

var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// plainTag resolves a plain scalar's tag exactly as go-yaml v3 does.
func plainTag(in string) string {
	switch in {
	case "", "~", "null", "Null", "NULL":
		return "!!null"
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool"
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return "!!float"
	case "<<":
		return "!!merge"
	}
	switch c := in[0]; {
	case c == '.':
		if _, err := strconv.ParseFloat(in, 64); err == nil {
			return "!!float"
		}
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		if isTimestamp(in) {
			return "!!timestamp"
		}
		plain := strings.ReplaceAll(in, "_", "")
		if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return "!!int"
		}
		if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return "!!int"
		}
		if yamlStyleFloat.MatchString(plain) {
			if _, err := strconv.ParseFloat(plain, 64); err == nil {
				return "!!float"
			}
		}
		for _, p := range []struct {
			prefix string
			base   int
			neg    bool
		}{{"0b", 2, false}, {"-0b", 2, true}, {"0o", 8, false}, {"-0o", 8, true}} {
			if strings.HasPrefix(plain, p.prefix) {
				digits := plain[len(p.prefix):]
				if p.neg {
					digits = "-" + digits
				}
				if _, err := strconv.ParseInt(digits, p.base, 64); err == nil {
					return "!!int"
				}
				if !p.neg {
					if _, err := strconv.ParseUint(digits, p.base, 64); err == nil {
						return "!!int"
					}
				}
				break
			}
		}
	}
	return "!!str"
}

var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

func isTimestamp(s string) bool {
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, format := range timestampFormats {
		if _, err := time.Parse(format, s); err == nil {
			return true
		}
	}
	return false
}

// plainValue is the JSON value of a plain scalar.
func plainValue(s string) any { return scalarValue(plainTag(s), s, true) }

// scalarValue is the JSON value of a scalar with a resolved tag, as
// Kubernetes reads it: ints and floats as json.Number (infinities and NaN,
// which JSON lacks, stay strings), plain yes/no/on/off as booleans (YAML
// 1.1, as sigs.k8s.io/yaml reads them), timestamps, binary and custom tags
// as their text.
func scalarValue(tag, s string, plain bool) any {
	switch tag {
	case "!!str":
		if plain {
			if b, ok := yaml11Bools[s]; ok {
				return b
			}
		}
		return s
	case "!!null":
		return nil
	case "!!bool":
		switch strings.ToLower(s) {
		case "true", "yes", "y", "on":
			return true
		}
		return false
	case "!!int":
		plain := strings.ReplaceAll(s, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return json.Number(strconv.FormatUint(u, 10))
		}
		for _, p := range []struct {
			prefix string
			base   int
		}{{"0b", 2}, {"-0b", 2}, {"0o", 8}, {"-0o", 8}} {
			if digits, ok := strings.CutPrefix(plain, p.prefix); ok {
				if p.prefix[0] == '-' {
					digits = "-" + digits
				}
				if i, err := strconv.ParseInt(digits, p.base, 64); err == nil {
					return json.Number(strconv.FormatInt(i, 10))
				}
				if u, err := strconv.ParseUint(digits, p.base, 64); err == nil {
					return json.Number(strconv.FormatUint(u, 10))
				}
			}
		}
		return s
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
		return s
	}
	return s
}
