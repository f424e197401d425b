package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/paved-dev/paved/internal/policy"
)

var bom = []byte("\xef\xbb\xbf")

// readKubernetes reads YAML manifests: any number of documents separated
// by ---, each one object or a List of objects. The stream is cut at its
// document markers and each document decoded once: by fastYAML when it is
// in the block style tools write, else by go-yaml into yaml.Node (for
// lines) converted to JSON-shaped values here. Large files are decoded in
// parallel.
func readKubernetes(file string, data []byte) ([]policy.Document, error) {
	data = bytes.TrimPrefix(data, bom)
	segs := splitYAML(data)
	results := make([][]policy.Document, len(segs))
	errs := make([]error, len(segs))
	workers := runtime.GOMAXPROCS(0)
	if workers > len(segs)/16 {
		workers = len(segs) / 16 // small files: not worth a goroutine
	}
	if workers <= 1 {
		fast := newFastYAML()
		for i, s := range segs {
			results[i], errs[i] = readYAMLSegment(file, s, fast)
			if errs[i] != nil {
				return nil, errs[i]
			}
		}
	} else {
		var wg sync.WaitGroup
		var next sync.Mutex
		n := 0
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fast := newFastYAML()
				for {
					next.Lock()
					i := n
					n++
					next.Unlock()
					if i >= len(segs) {
						return
					}
					results[i], errs[i] = readYAMLSegment(file, segs[i], fast)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
	}
	total := 0
	for _, r := range results {
		total += len(r)
	}
	docs := make([]policy.Document, 0, total)
	for _, r := range results {
		docs = append(docs, r...)
	}
	return docs, nil
}

// yamlSegment is a run of a YAML stream starting at a document marker (or
// the start of the file); line is the 1-based line it starts on.
type yamlSegment struct {
	data []byte
	line int
}

// splitYAML cuts a stream at its "---" lines. A document marker at column
// 0 cannot occur inside a document, so each piece can be decoded on its
// own. A piece holding only directives and comments stays with the next.
func splitYAML(data []byte) []yamlSegment {
	var segs []yamlSegment
	start, startLine, line := 0, 1, 1
	content := false // the current piece has more than directives and comments
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		l := data[off:next]
		if isDocMarker(l) && off > start && content {
			segs = append(segs, yamlSegment{data[start:off], startLine})
			start, startLine, content = off, line, false
		}
		if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' && t[0] != '%' && !isDocMarker(l) {
			content = true
		} else if isDocMarker(l) && len(bytes.TrimSpace(l[3:])) > 0 && bytes.TrimSpace(l[3:])[0] != '#' {
			content = true // --- {inline: document}
		}
		line++
		off = next
	}
	if start < len(data) {
		segs = append(segs, yamlSegment{data[start:], startLine})
	}
	return segs
}

func isDocMarker(l []byte) bool {
	return bytes.HasPrefix(l, []byte("---")) && (len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r')
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func readYAMLSegment(file string, seg yamlSegment, fast *fastYAML) (docs []policy.Document, err error) {
	if fast != nil {
		v, line, empty, ok := fast.parse(seg.data)
		if ok {
			if empty {
				return nil, nil
			}
			items := make([]int, len(fast.items))
			for i, l := range fast.items {
				items[i] = l + seg.line - 1
			}
			err := kubeDocs(file, v, line+seg.line-1, items, &docs)
			return docs, err
		}
	}
	return readYAMLSlow(file, seg)
}

// readYAMLSlow decodes a segment with go-yaml.
func readYAMLSlow(file string, seg yamlSegment) (docs []policy.Document, err error) {
	defer func() {
		if r := recover(); r != nil { // the YAML library must never take paved down
			docs, err = nil, errorf(file, seg.line, "invalid YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(seg.data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			msg := err.Error()
			if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
				l, _ := strconv.Atoi(m[1])
				return nil, errorf(file, seg.line+l-1, "invalid YAML: %s", m[2])
			}
			return nil, errorf(file, seg.line, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
		}
		c := yamlConv{file: file, lineOff: seg.line - 1, budget: 1 << 20}
		root := &n
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // an empty document
		}
		v, err := c.value(root, 0)
		if err != nil {
			return nil, err
		}
		var items []int
		if root.Kind == yaml.MappingNode {
			items = yamlItemLines(root, c.lineOff)
		}
		if err := kubeDocs(file, v, c.line(root), items, &docs); err != nil {
			return nil, err
		}
	}
}

// yamlItemLines returns the lines of the elements of a mapping's items.
func yamlItemLines(m *yaml.Node, off int) []int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "items" {
			seq := m.Content[i+1]
			for seq.Kind == yaml.AliasNode && seq.Alias != nil {
				seq = seq.Alias
			}
			if seq.Kind != yaml.SequenceNode {
				return nil
			}
			lines := make([]int, len(seq.Content))
			for j, it := range seq.Content {
				lines[j] = it.Line + off
			}
			return lines
		}
	}
	return nil
}

// yamlConv converts yaml.Node trees to JSON-shaped values: maps with
// string keys, []any, string, json.Number, bool, nil.
type yamlConv struct {
	file    string
	lineOff int
	budget  int // nodes that alias expansion may still produce
}

const maxYAMLDepth = 1000

func (c *yamlConv) line(n *yaml.Node) int { return n.Line + c.lineOff }

func (c *yamlConv) value(n *yaml.Node, depth int) (any, error) {
	if depth > maxYAMLDepth {
		return nil, errorf(c.file, c.line(n), "invalid YAML: nested deeper than %d levels", maxYAMLDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, errorf(c.file, c.line(n), "invalid YAML: unknown alias %q", n.Value)
		}
		c.budget--
		if c.budget < 0 {
			return nil, errorf(c.file, c.line(n), "invalid YAML: aliases expand to too many values")
		}
		return c.value(n.Alias, depth+1)
	case yaml.SequenceNode:
		c.budget -= len(n.Content)
		if c.budget < 0 {
			return nil, errorf(c.file, c.line(n), "invalid YAML: aliases expand to too many values")
		}
		out := make([]any, len(n.Content))
		for i, e := range n.Content {
			v, err := c.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		c.budget -= len(n.Content) / 2
		if c.budget < 0 {
			return nil, errorf(c.file, c.line(n), "invalid YAML: aliases expand to too many values")
		}
		out := make(map[string]any, len(n.Content)/2)
		var merges []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			if kn.Kind == yaml.ScalarNode && kn.Tag == "!!merge" {
				merges = append(merges, vn)
				continue
			}
			k, err := c.key(kn)
			if err != nil {
				return nil, err
			}
			if _, dup := out[k]; dup {
				return nil, errorf(c.file, c.line(kn), "invalid YAML: key %q appears twice in the same mapping", k)
			}
			v, err := c.value(vn, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		for _, m := range merges {
			if err := c.merge(out, m, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	case yaml.ScalarNode:
		return c.scalar(n), nil
	}
	return nil, errorf(c.file, c.line(n), "invalid YAML: unexpected node")
}

// merge applies a << merge key: the keys of a mapping (or of a sequence
// of mappings, earlier ones first) that the mapping does not set itself.
func (c *yamlConv) merge(out map[string]any, n *yaml.Node, depth int) error {
	v, err := c.value(n, depth)
	if err != nil {
		return err
	}
	var maps []any
	switch v := v.(type) {
	case map[string]any:
		maps = []any{v}
	case []any:
		maps = v
	}
	if len(maps) == 0 {
		return errorf(c.file, c.line(n), "invalid YAML: a << merge key needs a mapping or a list of mappings")
	}
	for _, m := range maps {
		mm, ok := m.(map[string]any)
		if !ok {
			return errorf(c.file, c.line(n), "invalid YAML: a << merge key needs a mapping or a list of mappings")
		}
		for k, v := range mm {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return nil
}

func (c *yamlConv) key(n *yaml.Node) (string, error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return "", errorf(c.file, c.line(n), "invalid YAML: a mapping key must be a plain value, not a %s", kindName(n.Kind))
	}
	if n.Tag == "!!null" && (n.Value == "" || n.Value == "~") {
		return "null", nil
	}
	return n.Value, nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	}
	return "document"
}

// scalar returns a scalar's JSON value (see scalarValue).
func (c *yamlConv) scalar(n *yaml.Node) any {
	return scalarValue(n.Tag, n.Value, n.Style == 0)
}

// yaml11Bools are the YAML 1.1 booleans that go-yaml v3 (YAML 1.2) reads
// as strings but Kubernetes (sigs.k8s.io/yaml, YAML 1.1) reads as
// booleans: privileged: yes is privileged.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// kubeDocs turns one decoded document into Documents: an object, or each
// item of a List. items holds the lines of the items, when known.
func kubeDocs(file string, v any, line int, items []int, out *[]policy.Document) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return errorf(file, line, "not a Kubernetes object: expected a mapping with apiVersion and kind, found %s", jsonKind(v))
	}
	kind, _ := obj["kind"].(string)
	if list, ok := obj["items"].([]any); ok && (kind == "List" || strings.HasSuffix(kind, "List")) {
		apiVersion, _ := obj["apiVersion"].(string)
		for i, it := range list {
			l := line
			if i < len(items) {
				l = items[i]
			}
			m, ok := it.(map[string]any)
			if !ok {
				return errorf(file, l, "not a Kubernetes object: item %d of the %s is %s, expected a mapping with apiVersion and kind", i, kind, jsonKind(it))
			}
			if kind != "List" { // a typed list (PodList): items may leave out their kind
				if _, ok := m["kind"]; !ok {
					m["kind"] = strings.TrimSuffix(kind, "List")
				}
				if _, ok := m["apiVersion"]; !ok && apiVersion != "" {
					m["apiVersion"] = apiVersion
				}
			}
			d, err := kubeDoc(file, l, m)
			if err != nil {
				return err
			}
			*out = append(*out, d)
		}
		return nil
	}
	d, err := kubeDoc(file, line, obj)
	if err != nil {
		return err
	}
	*out = append(*out, d)
	return nil
}

func kubeDoc(file string, line int, obj map[string]any) (policy.Document, error) {
	kind, err := requiredString(file, line, obj, "kind")
	if err != nil {
		return policy.Document{}, err
	}
	apiVersion, err := requiredString(file, line, obj, "apiVersion")
	if err != nil {
		return policy.Document{}, err
	}
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if name == "" {
		name, _ = meta["generateName"].(string)
	}
	ns, _ := meta["namespace"].(string)
	return policy.Document{
		Kind:      policy.KindKubernetes,
		File:      file,
		Line:      line,
		Resource:  policy.Resource{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name},
		Input:     obj,
		Namespace: ns,
		Labels:    kubeLabels(kind, obj),
	}, nil
}

func requiredString(file string, line int, obj map[string]any, key string) (string, error) {
	v, ok := obj[key]
	if !ok || v == nil {
		return "", errorf(file, line, "not a Kubernetes object: missing %s", key)
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", errorf(file, line, "not a Kubernetes object: %s must be a non-empty string, found %s", key, jsonKind(v))
	}
	return s, nil
}

// kubeLabels returns an object's labels; for controllers, the labels of
// the pod template they create, overridden by the object's own.
func kubeLabels(kind string, obj map[string]any) map[string]string {
	var template map[string]any
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
		template = dig(obj, "spec", "template", "metadata", "labels")
	case "CronJob":
		template = dig(obj, "spec", "jobTemplate", "spec", "template", "metadata", "labels")
	}
	own := dig(obj, "metadata", "labels")
	if len(own) == 0 && len(template) == 0 {
		return nil
	}
	out := make(map[string]string, len(own)+len(template))
	for _, m := range []map[string]any{template, own} {
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out[k] = v
			case nil:
			default:
				out[k] = fmt.Sprint(v)
			}
		}
	}
	return out
}

func dig(v any, path ...string) map[string]any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	m, _ := v.(map[string]any)
	return m
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// readJSON reads a .json file: a Terraform plan, or Kubernetes objects (one
// object, a List, an array of objects, or several objects one after the
// other).
func readJSON(file string, data []byte) ([]policy.Document, error) {
	data = bytes.TrimPrefix(data, bom)
	if looksLikePlan(data) {
		docs, err := readPlan(file, data)
		if !errors.Is(err, errNotPlan) {
			return docs, err
		}
	}
	p := newJSONParser(file, data)
	var docs []policy.Document
	for p.peek() != 0 {
		start := p.pos
		if p.peek() == '[' { // an array of objects
			err := p.array(func() error {
				line := p.line(p.pos)
				v, err := p.value()
				if err != nil {
					return err
				}
				return kubeDocs(file, v, line, nil, &docs)
			})
			if err != nil {
				return nil, err
			}
			continue
		}
		v, items, err := p.kubeObject()
		if err != nil {
			return nil, err
		}
		if err := kubeDocs(file, v, p.line(start), items, &docs); err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// kubeObject decodes the value at the current position, noting the lines
// of the elements of its items when it is an object.
func (p *jsonParser) kubeObject() (any, []int, error) {
	if p.peek() != '{' {
		v, err := p.value()
		return v, nil, err
	}
	obj := map[string]any{}
	var items []int
	err := p.object(func(key string) error {
		if key == "items" && p.peek() == '[' {
			var list []any
			err := p.array(func() error {
				items = append(items, p.line(p.pos))
				v, err := p.value()
				list = append(list, v)
				return err
			})
			obj[key] = list
			return err
		}
		v, err := p.value()
		obj[key] = v
		return err
	})
	return obj, items, err
}

// Object makes the document of one decoded Kubernetes object, as
// admission receives it (already JSON, one object, no file): file names
// where it came from in results.
func Object(file string, obj map[string]any) (policy.Document, error) {
	return kubeDoc(file, 1, obj)
}
