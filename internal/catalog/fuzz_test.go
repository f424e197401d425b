package catalog

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the catalog parser: it must return
// a document or an error, never panic or hang.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	more, _ := filepath.Glob("testdata/*/*/*.yaml")
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a, annotations: {paved.dev/cloud-accounts: ':=,='}}\nspec: {owner: 'group:'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for i := range doc.Services {
			s := doc.Services[i]
			s.Normalize()
			_ = s.Validate(nil)
		}
	})
}

func FuzzNormalizeRepository(f *testing.F) {
	for _, s := range []string{"git@github.com:a/b.git", "https://x/y/tree/z", "url:", "::", "git@:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := NormalizeRepository(s)
		if NormalizeRepository(once) != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, once, NormalizeRepository(once))
		}
	})
}
