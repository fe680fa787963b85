package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func TestErrorPageKeysExist(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	for status, keys := range errorKeys {
		for _, k := range keys {
			if !cat.Has(k) {
				t.Errorf("error page %d uses missing key %q", status, k)
			}
		}
	}
}

func TestPanicBecomes500WithoutLeak(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	cat, _ := i18n.New("en", nil)
	s, err := New(Deps{Config: config.Default(), Catalog: cat, DB: d, Users: users.NewStore(d, nil)})
	if err != nil {
		t.Fatal(err)
	}
	s.mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {
		panic("secret internal detail")
	})
	h, err := httpx.New(httpx.Deps{Config: config.Default()})
	if err != nil {
		t.Fatal(err)
	}
	h.Mount("/", s)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	body, _ := io.ReadAll(w.Result().Body)
	if w.Code != 500 || strings.Contains(string(body), "secret internal detail") || !strings.Contains(string(body), "<html") {
		t.Fatalf("got %d %s", w.Code, body)
	}
}
