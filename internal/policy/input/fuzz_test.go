package input

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/paved-dev/paved/internal/policy"
)

// fastAgrees checks, for every document of data that the fast YAML path
// accepts, that go-yaml reads the same documents with the same lines.
func fastAgrees(t *testing.T, data []byte) {
	t.Helper()
	fast := newFastYAML()
	for _, seg := range splitYAML(bytes.TrimPrefix(data, bom)) {
		v, line, empty, ok := fast.parse(seg.data)
		if !ok {
			continue
		}
		slowDocs, slowErr := readYAMLSlow("f.yaml", seg)
		if empty {
			if slowErr != nil || len(slowDocs) != 0 {
				t.Fatalf("fast path: empty document; go-yaml: %d documents, %v\n%s", len(slowDocs), slowErr, seg.data)
			}
			continue
		}
		items := make([]int, len(fast.items))
		for i, l := range fast.items {
			items[i] = l + seg.line - 1
		}
		var docs []policy.Document
		fastErr := kubeDocs("f.yaml", v, line+seg.line-1, items, &docs)
		if (fastErr == nil) != (slowErr == nil) {
			t.Fatalf("fast path error %v, go-yaml error %v\n%s", fastErr, slowErr, seg.data)
		}
		if fastErr != nil {
			if fastErr.Error() != slowErr.Error() {
				t.Fatalf("fast path error %q, go-yaml error %q\n%s", fastErr, slowErr, seg.data)
			}
			continue
		}
		if !reflect.DeepEqual(docs, slowDocs) {
			f, _ := json.Marshal(docs)
			s, _ := json.Marshal(slowDocs)
			t.Fatalf("fast path and go-yaml differ on\n%s\nfast:    %s\ngo-yaml: %s", seg.data, f, s)
		}
	}
}

func TestFastYAMLAgrees(t *testing.T) {
	files, _ := filepath.Glob("testdata/kubernetes/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fastAgrees(t, data)
	}
	fastAgrees(t, genManifests(30))
	for _, src := range fastYAMLCases {
		fastAgrees(t, []byte(src))
	}
}

// TestFastYAMLCovers checks that the fast path takes the documents it is
// for, so that a change does not quietly send everything to go-yaml.
func TestFastYAMLCovers(t *testing.T) {
	fast := newFastYAML()
	for _, seg := range splitYAML(genManifests(30)) {
		if _, _, _, ok := fast.parse(seg.data); !ok {
			t.Errorf("fast path refused:\n%s", seg.data)
		}
	}
	data, _ := os.ReadFile("testdata/kubernetes/helm.yaml")
	n := 0
	for _, seg := range splitYAML(data) {
		if _, _, _, ok := fast.parse(seg.data); ok {
			n++
		}
	}
	if n != 4 {
		t.Errorf("fast path took %d of the 6 pieces of helm.yaml, want the 4 without anchors or merge keys", n)
	}
}

var fastYAMLCases = []string{
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: |\n    x\n\n    y\n\n  b: |-\n    z\n  c: |+\n    k\n\n\n  d: 'it''s'\n  e: \"\\u00e9\\t\\x41\"\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n-\n  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n",
	"apiVersion: v1\nkind: Pod\nspec:\n  x: [1, -2, 0x10, 0o17, 017, 1_000, 1e3, .5, +1, -.inf, .nan, ~, null, true, yes, No, on, OFF, y, 2001-12-14, \"q\", 'r', a b]\n",
	"apiVersion: v1\nkind: Pod\nspec:\n  a: {b: {c: [d, {e: f}]}, g: , h: 'i'}\n  j: []\n  k: {}\n  l: http://x:80/y\n  m: a#b\n  n: a # comment\n  o: -1\n  \"p q\": r\n  'true': s\n  ~: t\n  8080: u\n",
	"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    args:\n    - x\n    - y\n  - name: b\n    env:\n      - name: c\n        value: d\n",
	"# c\n---\n# only comments\n",
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n",
	"apiVersion: v1\nkind: Pod\nspec:\n  a:\n  b: c\n  d:\n    -\n    - e\n",
	"kind: Pod\nmetadata: {name: a}\n",
	"apiVersion: v1\nkind: Pod\na   : b   # c\nc: d  \ne:\nf: g\n\"h i\": j\n'k''l': m\nn: value:with:colons\no: 'q' # c\np: \"dq\"\n",
	"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    ports:\n    - 80\n    - 81\n    x: y\n  - |\n    text\n  - b\n",
	"apiVersion: v1\nkind: Pod\na: |+\n  x\n\nb: |\n\n  x\n    y\n  # not a comment\n  z\nc: |  \n  w\n",
	"apiVersion: v1\nkind: Pod\nu: h\u00e9llo \U0001F600\nv: [0, -0, 00, 0.0, 1_0, 1__0, +, -, ., ._, 0x, 0xG, 1e, 1e+, 12:30, 1.2.3, Y, NULL, Off, <<, 2001-12-14t21:59:43.10-05:00, 0b102, 0o8]\n",
	"apiVersion: v1\nkind: Pod\na:\n    # comment\n  b: c\nd: # c\n  e: f\ng:\n- h\n-   i\n-\n  j: k\n",
	"apiVersion: v1\nkind: Pod\non: x\nnull: y\nNull: z\n",
	"apiVersion: v1\nkind: Pod\na: b\n  c\n",
	"apiVersion: v1\nkind: Pod\na: {\"b\": \"c\", 'd': 'e', f: [g, {h: i}], j: \"k,l\"}\n",
	"apiVersion: v1\nkind: Pod\na: |2\n   x\n",
	"apiVersion: v1\nkind: Pod\na: >\n  x\n  y\n",
	"apiVersion: v1\nkind: Pod\na: - b\n",
	"apiVersion: v1\nkind: Pod\na:\n- - b\n",
	"  apiVersion: v1\n  kind: Pod\n",
	"apiVersion: v1\nkind: Pod\na: b\n...\n",
	"apiVersion: v1\nkind: List\nitems:\n-\n-\n  apiVersion: v1\n  kind: Pod\n",
	"apiVersion: v1\nkind: Pod\nx: 12345678901234567890\ny: 123456789012345678901234567890\nz: -0b101\nw: 0b\n",
}

func FuzzKubernetes(f *testing.F) {
	for _, src := range fastYAMLCases {
		f.Add([]byte(src))
	}
	data, _ := os.ReadFile("testdata/kubernetes/helm.yaml")
	f.Add(data)
	f.Add(genManifests(3))
	data, _ = os.ReadFile("testdata/kubernetes/list.json")
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		fastAgrees(t, data)
		docs, err := readBytes("f.yaml", data)
		checkResult(t, docs, err)
		docs, err = readBytes("f.json", data)
		checkResult(t, docs, err)
	})
}

// checkResult checks what every reader promises: an *Error, or documents
// with a kind, a file and a line, whose input encodes as JSON.
func checkResult(t *testing.T, docs []policy.Document, err error) {
	t.Helper()
	if err != nil {
		if _, ok := err.(*Error); !ok {
			t.Fatalf("error %v (%T) is not an *input.Error", err, err)
		}
		return
	}
	for _, d := range docs {
		if d.Kind == "" || d.File == "" || d.Line < 1 {
			t.Fatalf("document without kind, file or line: %+v", d)
		}
		if _, err := json.Marshal(d.Input); err != nil {
			t.Fatalf("input does not encode as JSON: %v", err)
		}
	}
}

func FuzzPlan(f *testing.F) {
	data, _ := os.ReadFile("testdata/plan/plan.json")
	f.Add(data)
	f.Add(genPlan(3))
	f.Add([]byte(`{"format_version":"1.0","resource_changes":[{"address":"a.b","change":{"actions":["create"],"after":{"tags":{"a":"\ud83d\ude00"}},"after_unknown":{"tags_all":true}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := readBytes("plan.json", data)
		checkResult(t, docs, err)
		if err == nil && !looksLikePlan(data) && len(bytes.TrimSpace(data)) > 0 && data[0] == '{' && !json.Valid(data) && bytes.Count(data, []byte("{")) == 1 {
			t.Fatalf("accepted invalid JSON: %q", data)
		}
	})
}

func FuzzHCL(f *testing.F) {
	for _, name := range []string{"main.tf", "variables.tf", "providers.tf"} {
		data, _ := os.ReadFile(filepath.Join("testdata", "tf", "app", name))
		f.Add(data)
	}
	f.Add([]byte("locals {\n  a = local.b\n  b = local.a\n}\nresource \"x_y\" \"z\" {\n  v = [for k in local.a : k]\n  dynamic \"d\" {\n    for_each = []\n  }\n}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := readBytes("main.tf", data)
		checkResult(t, docs, err)
	})
}

func FuzzDockerfile(f *testing.F) {
	data, _ := os.ReadFile("testdata/docker/Dockerfile")
	f.Add(data)
	f.Add([]byte("FROM a\nRUN <<EOF\nx\nEOF\nONBUILD RUN y\n# escape=`\n"))
	f.Add([]byte("# escape=`\nFROM a\nRUN b `\n  c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := readBytes("Dockerfile", data)
		checkResult(t, docs, err)
	})
}
