package focus

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// tagSet is one decoded Tags value, shared by every row with the same
// Tags text.
type tagSet struct {
	key        string            // the Tags cell it was decoded from, as written
	tags       map[string]string // nil when the text was not a JSON object
	trimmed    int               // keys that had surrounding spaces
	collisions int               // trimmed keys dropped for clashing with another key of a different value
	bad        bool              // not a JSON object
}

// tagCache decodes each distinct Tags text once. Exports repeat a few
// thousand tag sets over millions of rows; should a file have more than
// maxTagSets distinct ones, the cache starts over rather than grow.
type tagCache struct {
	slots [tagSlots]*tagSet // direct-mapped in front of m
	m     map[string]*tagSet
}

const tagSlots = 1024

const maxTagSets = 1 << 16

// get returns the set for a Tags cell. escaped says the cell is CSV
// text still holding "" escapes: the cache is keyed by the cell as it is
// written, so only a new set is unescaped.
func (c *tagCache) get(s string, escaped bool) *tagSet {
	h := tagSlot(s)
	if ts := c.slots[h]; ts != nil && ts.key == s {
		return ts
	}
	ts, ok := c.m[s]
	if !ok {
		ts = c.add(strings.Clone(s), escaped)
	}
	c.slots[h] = ts
	return ts
}

// tagSlot hashes a few bytes spread over the text.
func tagSlot(s string) int {
	n := len(s)
	if n == 0 {
		return 0
	}
	h := uint(n)
	for _, i := range [...]int{n / 8, n / 4, (n * 3) / 8, n / 2, (n * 5) / 8, (n * 3) / 4, (n * 7) / 8, n - 2} {
		if i >= 0 {
			h = h*31 + uint(s[i])
		}
	}
	return int(h % tagSlots)
}

// getBytes is get for Tags text still in a buffer (Parquet maps).
func (c *tagCache) getBytes(b []byte) *tagSet {
	if ts, ok := c.m[string(b)]; ok {
		return ts
	}
	return c.add(string(b), false)
}

func (c *tagCache) add(s string, escaped bool) *tagSet {
	if c.m == nil || len(c.m) >= maxTagSets {
		c.m = make(map[string]*tagSet)
		c.slots = [tagSlots]*tagSet{}
	}
	text := s
	if escaped {
		text = unescape(s)
	}
	ts := parseTags(text)
	ts.key = s
	c.m[s] = ts
	return ts
}

// parseTags decodes a FOCUS Tags value: a JSON object of tag keys to
// values. Keys are trimmed of surrounding spaces (case is kept); string
// values are taken as they are, other JSON values (numbers, booleans,
// objects, arrays) as their compact JSON text, null as "". When trimming
// makes two keys the same, the key that needed no trimming wins, else the
// first in byte order; a loser with a different value is counted as a
// collision. Anything that is not a JSON object gives a set with bad set
// and no tags.
func parseTags(s string) *tagSet {
	ts := &tagSet{key: s}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil || raw == nil {
		ts.bad = true
		return ts
	}
	tags := make(map[string]string, len(raw))
	var needTrim []string
	for k, v := range raw {
		if t := strings.TrimSpace(k); t != k {
			needTrim = append(needTrim, k)
			continue
		}
		tags[k] = tagValue(v)
	}
	sort.Strings(needTrim)
	for _, k := range needTrim {
		ts.trimmed++
		t := strings.TrimSpace(k)
		v := tagValue(raw[k])
		if old, dup := tags[t]; dup {
			if old != v {
				ts.collisions++
			}
			continue
		}
		tags[t] = v
	}
	if _, blank := tags[""]; blank {
		// A key that is empty, or only spaces, names nothing.
		delete(tags, "")
	}
	ts.tags = tags
	return ts
}

func tagValue(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0, string(v) == "null":
		return ""
	case v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
		return string(v)
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return string(v)
	}
	return b.String()
}
