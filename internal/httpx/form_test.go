package httpx_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/httpx"
)

type part struct{ name, value string }

func multipartRequest(t *testing.T, parts ...part) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p.name == "photo" {
			w, err := mw.CreateFormFile(p.name, "p.jpg")
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, p.value)
			continue
		}
		if err := mw.WriteField(p.name, p.value); err != nil {
			t.Fatal(err)
		}
	}
	mw.Close()
	r := httptest.NewRequest("POST", "/", &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

var fields = []httpx.FormField{
	{Name: "problem", Max: 8},
	{Name: "comment", Max: 8, Cut: true},
	{Name: "photo", Max: 8, Cut: true, File: true},
}

func TestReadFormKeepsTheFields(t *testing.T) {
	f, err := httpx.ReadForm(multipartRequest(t, part{"problem", "12"}, part{"comment", "hello"}, part{"status", "done"}, part{"photo", ""}, part{"status", "x"}), fields...)
	if err != nil {
		t.Fatal(err)
	}
	if f.Get("problem") != "12" || f.Get("comment") != "hello" || !f.Has("photo") || len(f.Bytes("photo")) != 0 || f.Has("missing") {
		t.Errorf("got problem %q comment %q photo %v", f.Get("problem"), f.Get("comment"), f.Bytes("photo"))
	}
	if !slices.Equal(f.Unknown, []string{"status"}) {
		t.Errorf("unknown fields %v, want [status] once", f.Unknown)
	}
}

// TestRepeatedFieldIsRefused is the rule both faces share: a single-valued field
// sent twice is an error naming it, whichever copies agree.
func TestRepeatedFieldIsRefused(t *testing.T) {
	for _, parts := range [][]part{
		{{"problem", "1"}, {"problem", "2"}, {"comment", "a"}, {"comment", "a"}, {"comment", "b"}},
		{{"photo", "abc"}, {"problem", "1"}, {"photo", "abc"}, {"comment", "a"}, {"problem", "1"}, {"comment", "a"}},
	} {
		f, err := httpx.ReadForm(multipartRequest(t, parts...), fields...)
		var rep *httpx.RepeatedError
		if !errors.As(err, &rep) {
			t.Fatalf("%v: got %v, want a RepeatedError", parts, err)
		}
		want := []string{}
		for i, p := range parts {
			if slices.ContainsFunc(parts[:i], func(q part) bool { return q.name == p.name }) && !slices.Contains(want, p.name) {
				want = append(want, p.name)
			}
		}
		if !slices.Equal(rep.Fields, want) || !strings.Contains(err.Error(), want[0]) {
			t.Errorf("%v: repeated %v, want %v", parts, rep.Fields, want)
		}
		if f.Get(parts[0].name) != parts[0].value {
			t.Errorf("the form read so far lost the first value")
		}
	}
}

func TestReadFormLimits(t *testing.T) {
	// A text with Cut is cut at a character boundary: "ééééé" is 10 bytes; 8 keep 4.
	f, err := httpx.ReadForm(multipartRequest(t, part{"comment", "aéééé"}), fields...)
	if err != nil || f.Get("comment") != "aééé" {
		t.Errorf("cut text: %q %v", f.Get("comment"), err)
	}
	// A file is cut at the byte, never at a character.
	f, err = httpx.ReadForm(multipartRequest(t, part{"photo", "0123456\xc3\xa9xyz"}), fields...)
	if err != nil || f.Get("photo") != "0123456\xc3" {
		t.Errorf("cut file: %q %v", f.Get("photo"), err)
	}
	// Without Cut a longer value is an error; at the limit it is not.
	if _, err := httpx.ReadForm(multipartRequest(t, part{"problem", "123456789"}), fields...); !errors.Is(err, httpx.ErrFieldTooLarge) {
		t.Errorf("too long: %v", err)
	}
	if f, err := httpx.ReadForm(multipartRequest(t, part{"problem", "12345678"}), fields...); err != nil || f.Get("problem") != "12345678" {
		t.Errorf("at the limit: %q %v", f.Get("problem"), err)
	}

	// A body past the request's limit: the error says so, and what was read is kept.
	r := multipartRequest(t, part{"problem", "7"}, part{"comment", strings.Repeat("x", 1000)})
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 300)
	f, err = httpx.ReadForm(r, fields...)
	if !httpx.TooLarge(err) || f.Get("problem") != "7" {
		t.Errorf("past the body limit: %v, problem %q", err, f.Get("problem"))
	}
}

func TestMalformedForms(t *testing.T) {
	var many []part
	for i := range httpx.MaxFormParts + 1 {
		many = append(many, part{fmt.Sprintf("f%d", i), "x"})
	}
	cut := multipartRequest(t, part{"problem", "1"})
	b, _ := io.ReadAll(cut.Body)
	cut.Body = io.NopCloser(bytes.NewReader(b[:len(b)-10]))
	notMultipart := httptest.NewRequest("POST", "/", strings.NewReader("problem=1"))
	notMultipart.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	nameless := httptest.NewRequest("POST", "/", strings.NewReader("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"))
	nameless.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	for name, r := range map[string]*http.Request{
		"too many parts":  multipartRequest(t, many...),
		"cut short":       cut,
		"not multipart":   notMultipart,
		"a nameless part": nameless,
	} {
		if _, err := httpx.ReadForm(r, fields...); !errors.Is(err, httpx.ErrMalformed) {
			t.Errorf("%s: got %v, want ErrMalformed", name, err)
		}
	}
	if _, err := httpx.ReadForm(multipartRequest(t, many[:httpx.MaxFormParts]...), fields...); err != nil {
		t.Errorf("exactly MaxFormParts parts: %v", err)
	}
}
