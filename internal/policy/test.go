package policy

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is one Rego test's outcome.
type TestResult struct {
	Package  string        `json:"package"`
	Name     string        `json:"name"`
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Pass     bool          `json:"pass"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// RunTests runs the test_* rules of the Rego files under dirs, as `opa
// test` does, with the built-in library (data.paved.lib...) and pack
// loaded so that custom tests can use them. withBuiltinTests also runs the
// pack's own tests.
func RunTests(ctx context.Context, dirs []string, withBuiltinTests bool) ([]TestResult, error) {
	modules := map[string]*ast.Module{}
	add := func(fsys fs.FS, prefix string, tests bool) error {
		return fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
				return err
			}
			if strings.HasSuffix(path, "_test.rego") && !tests {
				return nil
			}
			src, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			m, err := ParseModule(prefix+path, string(src))
			if err != nil {
				return err
			}
			modules[prefix+path] = m
			return nil
		})
	}
	if err := add(Builtin(), "builtin/", withBuiltinTests); err != nil {
		return nil, err
	}
	for _, dir := range dirs {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, unwrapPath(err))
		}
		root := dir
		if !info.IsDir() {
			root = filepath.Dir(dir)
		}
		if err := add(os.DirFS(root), root+string(filepath.Separator), true); err != nil {
			return nil, err
		}
	}
	ch, err := tester.NewRunner().SetModules(modules).RunTests(ctx, nil)
	if err != nil {
		return nil, err
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{Package: r.Package, Name: r.Name, Pass: r.Pass(), Duration: r.Duration}
		if r.Location != nil {
			tr.File, tr.Line = r.Location.File, r.Location.Row
		}
		if r.Error != nil {
			tr.Error = r.Error.Error()
		}
		out = append(out, tr)
	}
	return out, nil
}
