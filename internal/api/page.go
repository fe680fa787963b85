package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
)

// List sizes of design/API.md.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// list is the shape of every list answer. NextCursor is null on the last page; a
// full page gets one, so the page after it may be empty.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// newList wraps one page of items; last is what the next page starts after, used
// only when the page is full.
func newList[T any](items []T, limit int, kind, last string) list[T] {
	if items == nil {
		items = []T{}
	}
	l := list[T]{Items: items}
	if len(items) >= limit {
		c := encodeCursor(kind, last)
		l.NextCursor = &c
	}
	return l
}

// pageQuery reads ?limit= (1..200, default 50) and ?cursor=, a cursor of the list
// kind; problems go into f, named by the query parameter.
func pageQuery(r *http.Request, kind string, f *apperr.Fields) (limit int, after string) {
	q := r.URL.Query()
	limit = defaultLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			f.Add("limit", "api.limit", "Max", maxLimit)
		} else {
			limit = n
		}
	}
	if c := q.Get("cursor"); c != "" {
		var ok bool
		if after, ok = decodeCursor(kind, c); !ok {
			f.Add("cursor", "api.cursor")
		}
	}
	return limit, after
}

// encodeCursor makes the opaque cursor after key in a list of kind; the kind in
// it keeps one list's cursor from being used on another.
func encodeCursor(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key))
}

func decodeCursor(kind, c string) (string, bool) {
	if len(c) > 200 {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", false
	}
	key, ok := strings.CutPrefix(string(b), kind+":")
	return key, ok && key != ""
}

// cursorID is decodeCursor for lists ordered by id.
func cursorID(key string) (int64, bool) {
	id, err := strconv.ParseInt(key, 10, 64)
	return id, err == nil && id > 0
}
