package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestHTTPStatusTable(t *testing.T) {
	want := map[Code]int{Internal: 500, Invalid: 422, NotFound: 404, Forbidden: 403, Unauthenticated: 401, Conflict: 409, Throttled: 429, Unavailable: 503, TooLarge: 413}
	for c, st := range want {
		if c.HTTPStatus() != st {
			t.Errorf("%s → %d, want %d", c, c.HTTPStatus(), st)
		}
	}
}

func TestCodeOfWrapped(t *testing.T) {
	err := fmt.Errorf("context: %w", New(Conflict, "x"))
	if CodeOf(err) != Conflict || As(err) == nil {
		t.Fatal("a wrapped domain error lost its code")
	}
	if CodeOf(errors.New("plain")) != Internal {
		t.Fatal("a plain error must be internal")
	}
	var f Fields
	if f.Err() != nil {
		t.Fatal("no fields, no error")
	}
	f.Add("email", "k")
	if CodeOf(f.Err()) != Invalid || !f.Has("email") {
		t.Fatal("fields make an Invalid error")
	}
}
