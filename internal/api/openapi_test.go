package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"smartservice/internal/api"
)

func TestOpenAPIDocumentValidatesAndIsServedWithoutAuth(t *testing.T) {
	doc, _ := loadSpec(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	w := httptest.NewRecorder()
	api.New(api.Deps{}).ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET openapi.json: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
}

// TestAnswerCheckIsNotVacuous makes sure the check every test runs on every answer
// does refuse answers that break the document.
func TestAnswerCheckIsNotVacuous(t *testing.T) {
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	problem := http.Header{"Content-Type": {"application/problem+json"}}
	bad := []struct {
		method, path string
		res          *result
	}{
		{"GET", "/api/v1/me", &result{status: 200, header: jsonCT, body: []byte(`{"id": 1}`)}},
		{"GET", "/api/v1/me", &result{status: 418, header: problem, body: []byte(`{"type":"about:blank","title":"x","status":418,"detail":"x"}`)}},
		{"GET", "/api/v1/departments/1", &result{status: 200, header: jsonCT, body: []byte(`{"id":1,"code":"it","name":"IT","name_en":"IT","name_ru":"","telegram_chat_id":null,"created_at":"2026-01-01T00:00:00+03:00","extra":1}`)}},
		{"GET", "/api/v1/departments/1", &result{status: 404, header: jsonCT, body: []byte(`{"message":"no"}`)}},
		{"POST", "/api/v1/auth/logout", &result{status: 204, header: http.Header{}, body: []byte(`{}`)}},
		{"GET", "/api/v1/nowhere", &result{status: 404, header: http.Header{"Content-Type": {"text/plain"}}, body: []byte("404 page not found")}},
	}
	for _, b := range bad {
		if b.res.obj == nil && strings.Contains(b.res.header.Get("Content-Type"), "json") {
			_ = json.Unmarshal(b.res.body, &b.res.obj)
		}
		if err := answerError(t, b.method, b.path, b.res); err == nil {
			t.Errorf("%s %s %d %s passed the check", b.method, b.path, b.res.status, b.res.body)
		}
	}
}
