package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxFormParts is the most parts a multipart form may have: the forms that take
// one have a handful of fields, so a longer one is not a form of ours.
const MaxFormParts = 16

// FormField is a field a multipart form may carry.
type FormField struct {
	// Name is the part's form name.
	Name string
	// Max is the most bytes of the value that are kept.
	Max int64
	// Cut keeps the first Max bytes of a longer value, for the caller to refuse as
	// too long with a field message; without it a longer value fails the read with
	// ErrFieldTooLarge. A text (not File) value is cut at a character boundary, so it
	// is refused for its length, not its encoding.
	Cut bool
	// File marks binary content (a photo), never cut at a character boundary.
	File bool
}

// Form is a multipart form as ReadForm read it.
type Form struct {
	values map[string][]byte
	// Unknown lists, once each and in order, the names of parts no FormField takes;
	// their content is skipped. A face decides whether that is an error.
	Unknown []string
}

// Has reports whether the form carried the field (perhaps empty: a file input
// with no file chosen).
func (f *Form) Has(name string) bool {
	_, ok := f.values[name]
	return ok
}

// Bytes returns the field's value, nil when absent.
func (f *Form) Bytes(name string) []byte { return f.values[name] }

// Get returns the field's value as text, "" when absent.
func (f *Form) Get(name string) string { return string(f.values[name]) }

// Errors of ReadForm. A read past the body limit returns the *http.MaxBytesError
// itself (see TooLarge).
var (
	// ErrMalformed: not multipart/form-data, cut short, a part without a name, or
	// more than MaxFormParts parts.
	ErrMalformed = errors.New("httpx: malformed multipart form")
	// ErrFieldTooLarge: a field without Cut longer than its Max.
	ErrFieldTooLarge = errors.New("httpx: form field too large")
)

// RepeatedError refuses a form that sent a field more than once. Every field is
// single-valued, and which copy a face used would otherwise be its own guess (the
// pages took the first, the API refused): both faces refuse, each in its words.
type RepeatedError struct {
	// Fields names the repeated fields, once each, in the order they repeated.
	Fields []string
}

func (e *RepeatedError) Error() string {
	return fmt.Sprintf("httpx: form field sent more than once: %s", strings.Join(e.Fields, ", "))
}

// ReadForm reads r's multipart/form-data body part by part from the stream (never
// spooled to disk), keeping the fields named in fields. It reads the whole body
// before refusing a repeated field, so the error can name them all; on any other
// error it stops there and returns what it read so far with the error, so a face
// can still show the form again with what was typed.
func ReadForm(r *http.Request, fields ...FormField) (*Form, error) {
	f := &Form{values: map[string][]byte{}}
	mr, err := r.MultipartReader()
	if err != nil {
		return f, ErrMalformed
	}
	var repeated []string
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return f, readFailed(err)
		}
		if parts >= MaxFormParts {
			return f, ErrMalformed
		}
		name := p.FormName()
		if name == "" {
			return f, ErrMalformed
		}
		i := slices.IndexFunc(fields, func(ff FormField) bool { return ff.Name == name })
		if i < 0 {
			if !slices.Contains(f.Unknown, name) {
				f.Unknown = append(f.Unknown, name)
			}
			continue
		}
		if f.Has(name) {
			if !slices.Contains(repeated, name) {
				repeated = append(repeated, name)
			}
			continue
		}
		field := fields[i]
		b, err := io.ReadAll(io.LimitReader(p, field.Max+1))
		if err != nil {
			return f, readFailed(err)
		}
		if int64(len(b)) > field.Max {
			if !field.Cut {
				return f, fmt.Errorf("%w: %s", ErrFieldTooLarge, name)
			}
			b = b[:field.Max]
			if !field.File {
				b = cutRunes(b)
			}
		}
		f.values[name] = b
	}
	if repeated != nil {
		return f, &RepeatedError{Fields: repeated}
	}
	return f, nil
}

// readFailed keeps a body-limit error recognisable and turns any other into ErrMalformed.
func readFailed(err error) error {
	if TooLarge(err) {
		return err
	}
	return ErrMalformed
}

// cutRunes drops a character cut in half at the end of b (at most three bytes).
func cutRunes(b []byte) []byte {
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0; i++ {
		if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size > 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}
