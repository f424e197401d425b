package yamlfile

import (
	"strings"
	"testing"
)

type inner struct {
	Name       string `yaml:"name"`
	Production bool   `yaml:"production"`
}

type outer struct {
	Addr  string            `yaml:"addr"`
	Items []inner           `yaml:"items"`
	Map   map[string]string `yaml:"map"`
	Nest  struct {
		Keys []string `yaml:"keys"`
	} `yaml:"nest"`
}

func TestDecodeReportsEveryProblem(t *testing.T) {
	src := `addr: x
bogus: 1
items:
  - name: a
    production: maybe
  - nmae: b
map:
  anything: goes
nest:
  keys: [a]
  extra: true
`
	docs, err := Documents("paved.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out outer
	errs := Decode("paved.yaml", 0, docs[0], &out)
	want := []string{
		`paved.yaml:2: bogus: unknown key "bogus"; valid keys here are: addr, items, map, nest`,
		`paved.yaml:6: items[1].nmae: unknown key "nmae"; valid keys here are: name, production`,
		`paved.yaml:11: nest.extra: unknown key "extra"; valid keys here are: keys`,
		`paved.yaml:5: expected a different type, got the string ` + "`maybe`" + `; valid values are true or false`,
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if errs[i].Error() != w {
			t.Errorf("error %d:\n got  %s\n want %s", i, errs[i].Error(), w)
		}
	}
}

func TestDocumentsSyntaxError(t *testing.T) {
	_, err := Documents("f.yaml", []byte("a: b\nc: [\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "f.yaml:") || !strings.Contains(err.Error(), "invalid YAML") {
		t.Fatalf("want file-prefixed syntax error, got %v", err)
	}
}

func TestLine(t *testing.T) {
	src := "a:\n  b:\n    - x: 1\n    - x: 2\n      y: [1, 2]\n"
	docs, err := Documents("f", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want int
	}{
		{"a.b[1].x", 4},
		{"a.b[1].y[1]", 5},
		{"a.b[1].missing", 4},
		{"a.b[0]", 3},
		{"zzz", 1},
	}
	for _, tt := range tests {
		if got := Line(docs[0], tt.path); got != tt.want {
			t.Errorf("Line(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("addr: x\nitems: [{name: a}]\n")
	f.Add("- 1\n- 2\n")
	f.Add("a: &x {b: *x}\n")
	f.Fuzz(func(t *testing.T, src string) {
		docs, err := Documents("f", []byte(src))
		if err != nil {
			return
		}
		for i, d := range docs {
			var out outer
			_ = Decode("f", i+1, d, &out)
		}
	})
}
