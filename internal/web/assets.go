package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file with its content hash.
type asset struct {
	data []byte
	hash string
}

// assetSet serves the embedded files. Pages link them with ?v=<hash>, so a
// browser may cache them forever and still sees a new release at once.
type assetSet struct {
	files map[string]asset
}

func loadAssets() (*assetSet, error) {
	set := &assetSet{files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		set.files[strings.TrimPrefix(path, "static/")] = asset{data: data, hash: hex.EncodeToString(sum[:6])}
		return nil
	})
	return set, err
}

// url is the template function that links an asset. An unknown name is a
// bug in a template, so it fails the template rather than linking a 404.
func (s *assetSet) url(name string) (string, error) {
	a, ok := s.files[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return "/static/" + name + "?v=" + a.hash, nil
}

func (u *ui) static(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	a, ok := u.assets.files[name]
	if !ok {
		u.fail(w, r, nil, api.NotFound("there is no file at %s", r.URL.Path))
		return
	}
	h := w.Header()
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	h.Set("ETag", `"`+a.hash+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.data))
}
