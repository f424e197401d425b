package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Documents splits data into its YAML documents, keeping each as a node so
// that callers can report lines. A syntax error is returned as an Error
// naming the line.
func Documents(file string, data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, syntaxError(file, len(docs)+1, err)
		}
		docs = append(docs, &n)
	}
}

var lineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxError(file string, doc int, err error) Error {
	msg := err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Error{File: file, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return Error{File: file, Doc: doc, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// Decode decodes node into out (a pointer to a struct) and returns every
// problem found: keys that the struct does not have (with the valid keys
// listed), and values of the wrong type. doc is passed through to the
// errors (0 for single-document files).
func Decode(file string, doc int, node *yaml.Node, out any) Errors {
	if node.Kind == yaml.DocumentNode && len(node.Content) == 1 {
		node = node.Content[0]
	}
	var errs Errors
	checkKeys(file, doc, node, reflect.TypeOf(out).Elem(), "", &errs)
	if err := node.Decode(out); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, m := range te.Errors {
				errs = append(errs, typeError(file, doc, m))
			}
		} else {
			errs = append(errs, Error{File: file, Line: node.Line, Doc: doc, Msg: err.Error()})
		}
	}
	return errs
}

var typeLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

func typeError(file string, doc int, msg string) Error {
	if m := typeLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Error{File: file, Line: line, Doc: doc, Msg: friendlyType(m[2])}
	}
	return Error{File: file, Doc: doc, Msg: friendlyType(msg)}
}

// friendlyType rewrites yaml.v3's Go-flavoured type errors into the YAML
// vocabulary a person editing the file knows.
func friendlyType(msg string) string {
	r := strings.NewReplacer(
		"cannot unmarshal !!str", "expected a different type, got the string",
		"cannot unmarshal !!int", "expected a different type, got the number",
		"cannot unmarshal !!map", "expected a different type, got a mapping",
		"cannot unmarshal !!seq", "expected a different type, got a list",
		"cannot unmarshal !!bool", "expected a different type, got the boolean",
		" into bool", "; valid values are true or false",
		" into int64", "; a whole number is required",
		" into int", "; a whole number is required",
		" into float64", "; a number is required",
		" into string", "; a string is required",
	)
	msg = r.Replace(msg)
	if i := strings.Index(msg, " into "); i >= 0 {
		// "into []config.Environment" and the like: say list/mapping instead.
		rest := msg[i+len(" into "):]
		switch {
		case strings.HasPrefix(rest, "[]"):
			msg = msg[:i] + "; a list is required"
		case strings.HasPrefix(rest, "map["):
			msg = msg[:i] + "; a mapping is required"
		default:
			msg = msg[:i] + "; a mapping is required"
		}
	}
	return msg
}

// checkKeys walks node alongside the Go type t and reports mapping keys that
// t does not declare.
func checkKeys(file string, doc int, node *yaml.Node, t reflect.Type, path string, errs *Errors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	switch t.Kind() {
	case reflect.Struct:
		if node.Kind != yaml.MappingNode {
			return // the decoder reports the type mismatch
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(node.Content); i += 2 {
			k, v := node.Content[i], node.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, Error{
					File: file, Line: k.Line, Doc: doc, Path: join(path, k.Value),
					Msg: fmt.Sprintf("unknown key %q; valid keys here are: %s", k.Value, strings.Join(sortedKeys(fields), ", ")),
				})
				continue
			}
			checkKeys(file, doc, v, f.Type, join(path, k.Value), errs)
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range node.Content {
			checkKeys(file, doc, item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case reflect.Map:
		if node.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			checkKeys(file, doc, node.Content[i+1], t.Elem(), join(path, node.Content[i].Value), errs)
		}
	}
}

func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f
	}
	return out
}

func sortedKeys(m map[string]reflect.StructField) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Locate returns the node at a dotted path such as "environments[1].name"
// below root, or nil. It lets validation that runs on decoded Go values
// report the line of the value at fault.
func Locate(root *yaml.Node, path string) *yaml.Node {
	n := root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, part := range splitPath(path) {
		if n == nil {
			return nil
		}
		if part.index >= 0 {
			if n.Kind != yaml.SequenceNode || part.index >= len(n.Content) {
				return nil
			}
			n = n.Content[part.index]
			continue
		}
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == part.key {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// Line is Locate's line, falling back to the nearest ancestor that exists
// (so a missing required key points at the mapping that lacks it).
func Line(root *yaml.Node, path string) int {
	for p := path; ; {
		if n := Locate(root, p); n != nil {
			return n.Line
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
				return root.Content[0].Line
			}
			if root != nil {
				return root.Line
			}
			return 0
		}
		p = p[:i]
	}
}

type pathPart struct {
	key   string
	index int
}

func splitPath(path string) []pathPart {
	var parts []pathPart
	for _, seg := range strings.Split(path, ".") {
		if seg == "" {
			continue
		}
		key := seg
		var idx []int
		for {
			open := strings.LastIndexByte(key, '[')
			if open < 0 || !strings.HasSuffix(key, "]") {
				break
			}
			n, err := strconv.Atoi(key[open+1 : len(key)-1])
			if err != nil {
				break
			}
			idx = append([]int{n}, idx...)
			key = key[:open]
		}
		if key != "" {
			parts = append(parts, pathPart{key: key, index: -1})
		}
		for _, i := range idx {
			parts = append(parts, pathPart{index: i})
		}
	}
	return parts
}
