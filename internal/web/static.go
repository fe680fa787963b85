package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded files under names that carry a hash of their
// content ("app.3f2a9c1b.css"), so browsers may cache them forever and a new build
// is fetched at once.
type staticFiles struct {
	byHashed map[string]staticFile
	hashed   map[string]string // plain name → hashed name
}

type staticFile struct {
	body        []byte
	contentType string
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{byHashed: map[string]staticFile{}, hashed: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if strings.Contains(name, "/") {
			return fmt.Errorf("static files are flat, got %s", name)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		st.byHashed[hashed] = staticFile{body: body, contentType: ct}
		st.hashed[name] = hashed
		return nil
	})
	return st, err
}

// url returns the hashed URL of a static file; an unknown name fails template
// execution, and so the start-up render check, rather than producing a broken link.
func (st *staticFiles) url(name string) (string, error) {
	h, ok := st.hashed[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + h, nil
}

var startTime = time.Unix(0, 0)

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static.byHashed[r.PathValue("file")]
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", startTime, bytes.NewReader(f.body))
}
