package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
)

// TestEveryRouteIsDocumented keeps routes.go and openapi.json in step: each route
// is an operation of the document and each operation is a route.
func TestEveryRouteIsDocumented(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+p)
		}
	}
	a := New(Deps{})
	for _, pattern := range a.patterns {
		if !slices.Contains(documented, pattern) {
			t.Errorf("route %q is not in openapi.json", pattern)
		}
	}
	for _, op := range documented {
		if !slices.Contains(a.patterns, op) {
			t.Errorf("openapi.json documents %q, which routes.go does not serve", op)
		}
	}
	if len(a.patterns) < 16 {
		t.Errorf("only %d routes", len(a.patterns))
	}
	for _, p := range a.patterns {
		if !strings.HasPrefix(strings.SplitN(p, " ", 2)[1], "/api/v1/") {
			t.Errorf("route %q is outside /api/v1/", p)
		}
	}
}

// TestPanicIsA500Problem: a bug in a handler answers a problem without its text.
func TestPanicIsA500Problem(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	a := New(Deps{Catalog: cat})
	a.handle("GET /api/v1/boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") }))
	host, err := httpx.New(httpx.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	host.Mount(Prefix, a)
	w := httptest.NewRecorder()
	host.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/boom", nil))
	if w.Code != 500 || w.Header().Get("Content-Type") != problemJSON || strings.Contains(w.Body.String(), "secret") {
		t.Fatalf("%d %q %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}
