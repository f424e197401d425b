package policy

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestBuiltinRego runs the built-in pack's Rego unit tests (test_* rules
// in *_test.rego), as `opa test` would.
func TestBuiltinRego(t *testing.T) {
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(Builtin(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		src, err := fs.ReadFile(Builtin(), path)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return err
		}
		modules[path] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := tester.NewRunner().SetModules(modules).RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		if r.Error != nil {
			t.Errorf("%s: %s: error: %v", r.Location, r.Name, r.Error)
		} else if r.Fail {
			t.Errorf("%s: %s failed", r.Location, r.Name)
		}
	}
	if n == 0 {
		t.Fatal("the built-in pack has no Rego tests")
	}
	t.Logf("%d Rego tests", n)
}
