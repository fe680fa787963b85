// Package apperr is the one vocabulary of failures the domain speaks. A domain
// function returns an *Error carrying a Code; each face (pages, API, bot, CLI)
// maps the code to its own answer through one table, shows the translated message
// key, and logs the cause, which users never see.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies a failure the user can act on.
type Code int

// The codes; every face maps each one (see web and api).
const (
	// Internal hides a bug or an outage; the cause goes to the log only.
	Internal Code = iota
	// Invalid input: Fields say which and why.
	Invalid
	// NotFound answers both "absent" and "not yours to see", so neither leaks.
	NotFound
	// Forbidden is for actions on something the caller may see but not change.
	Forbidden
	// Unauthenticated: no session or token, or a dead one.
	Unauthenticated
	// Conflict: the state forbids the action (a transition, a duplicate).
	Conflict
	// Throttled: too many attempts; try later.
	Throttled
	// Unavailable: an outside system (the directory, mail) cannot answer now.
	Unavailable
	// TooLarge: the input exceeds a size limit.
	TooLarge
)

// FieldError is one invalid field: the form or JSON field name and a message key
// (with its template arguments) from the translation catalogue.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Error is a domain failure.
type Error struct {
	Code Code
	// Key is the translation key of the message shown to the user.
	Key string
	// Args are the message's template arguments as name/value pairs.
	Args []any
	// Fields lists the invalid fields of an Invalid error.
	Fields []FieldError
	// Err is the cause, for logs.
	Err error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Code, e.Key)
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func (c Code) String() string {
	switch c {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not found"
	case Forbidden:
		return "forbidden"
	case Unauthenticated:
		return "unauthenticated"
	case Conflict:
		return "conflict"
	case Throttled:
		return "throttled"
	case Unavailable:
		return "unavailable"
	case TooLarge:
		return "too large"
	default:
		return "internal"
	}
}

// HTTPStatus is the one table from codes to HTTP statuses, shared by the pages and
// the API so the two faces cannot disagree.
func (c Code) HTTPStatus() int {
	switch c {
	case Invalid:
		return 422
	case NotFound:
		return 404
	case Forbidden:
		return 403
	case Unauthenticated:
		return 401
	case Conflict:
		return 409
	case Throttled:
		return 429
	case Unavailable:
		return 503
	case TooLarge:
		return 413
	default:
		return 500
	}
}

// New returns an error of code with a message key and its arguments.
func New(code Code, key string, args ...any) *Error { return &Error{Code: code, Key: key, Args: args} }

// Wrap returns an error of code with a message key that keeps cause for the log.
func Wrap(code Code, key string, cause error) *Error { return &Error{Code: code, Key: key, Err: cause} }

// CodeOf returns the code of err: Internal for anything that is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as an *Error, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Fields collects field errors; Err returns nil when there are none.
type Fields []FieldError

// Add records that field is invalid with the message key.
func (f *Fields) Add(field, key string, args ...any) {
	*f = append(*f, FieldError{Field: field, Key: key, Args: args})
}

// Err returns an Invalid error listing the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.invalid_input", Fields: f}
}

// Has reports whether field already has an error.
func (f Fields) Has(field string) bool {
	for _, e := range f {
		if e.Field == field {
			return true
		}
	}
	return false
}
