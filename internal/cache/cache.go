// Package cache keeps hot, rarely changed rows (sessions, accounts, the catalogue,
// devices) in memory without letting a security rule take effect any later.
//
// The rule that keeps it honest: a request first reads the one row of
// cache_versions (Check), and an entry is used only when it was loaded under the
// version that row holds now. Triggers in the database (migration 00015) move the
// versions in the same transaction as any change to the tables the entries come
// from, whichever instance or module makes it, so a deactivation, a password change,
// a logout or an admin's catalogue edit is seen by the very next request on every
// instance. A request that did not read the versions (the CLI, the API's bearer
// path, jobs) carries none in its context and reads the database as before.
//
// Why a version row and not PostgreSQL LISTEN/NOTIFY: a notification arrives after
// the commit, at some later moment, so a request racing it could still see the old
// session; and SQLite has no such channel. One primary-key read per request is
// cheap (a few microseconds) and exact on both databases.
package cache

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Versions is the row of cache_versions as one request read it.
type Versions struct {
	// Auth moves with accounts, their roles and departments, departments and sessions.
	Auth int64
	// Catalogue moves with classes, types, problem types, offers and devices.
	Catalogue int64
	// held is the catalogue version a request that may write read, kept from
	// Catalogue (see Check) for CatalogueUnchanged.
	held int64
}

type ctxKey struct{}

// With returns ctx carrying v, the versions this request read.
func With(ctx context.Context, v Versions) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// From returns the versions the request read, if it read them.
func From(ctx context.Context) (Versions, bool) {
	v, ok := ctx.Value(ctxKey{}).(Versions)
	return v, ok
}

// Read reads the versions row from q (the read pool).
func Read(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (Versions, error) {
	var v Versions
	if err := q.QueryRowContext(ctx, "SELECT auth, catalogue FROM cache_versions WHERE id = 1").Scan(&v.Auth, &v.Catalogue); err != nil {
		return v, fmt.Errorf("cache: unable to read the versions: %w", err)
	}
	return v, nil
}

// Check reads the versions and returns ctx carrying them; on a read error it
// returns ctx unchanged, so the request reads the database itself. A request
// that may write (safe false: not GET or HEAD) carries the auth version only: it
// may read back the catalogue or a device it has just changed, under the version
// it read before its own change, so it reads those from the database. (Its
// session and account are read once, before anything it writes.)
func Check(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, safe bool) context.Context {
	v, err := Read(ctx, q)
	if err != nil {
		return ctx
	}
	if !safe {
		v.held, v.Catalogue = v.Catalogue, 0
	}
	return With(ctx, v)
}

// CatalogueUnchanged returns ctx with the catalogue version a request that may
// write read at its start (Check), for a domain action that reads the catalogue
// and devices but never changes them: filing reads the device, its type, class and
// offers, and writes a ticket. Such an action cannot read back a change of its own,
// the reason Check leaves writers without the version, so it may use the caches
// under the version read at the request's start, as a GET would. Without a
// version read, ctx is returned as it is.
func CatalogueUnchanged(ctx context.Context) context.Context {
	v, ok := From(ctx)
	if !ok || v.Catalogue != 0 || v.held == 0 {
		return ctx
	}
	v.Catalogue, v.held = v.held, 0
	return With(ctx, v)
}

// CatalogueVersion is the catalogue version the request read, and whether it may
// use the catalogue caches at all.
func CatalogueVersion(ctx context.Context) (int64, bool) {
	v, ok := From(ctx)
	return v.Catalogue, ok && v.Catalogue != 0
}

// Map is a bounded map of entries, each stamped with the version it was loaded
// under. Get misses unless the stamp equals the version asked for, so entries of
// an older version die without anyone removing them; when the map is full it is
// emptied (the working set refills it at the cost of one read each).
type Map[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]entry[V]
	max int
}

type entry[V any] struct {
	version int64
	v       V
}

// NewMap returns a map of at most max entries.
func NewMap[K comparable, V any](max int) *Map[K, V] {
	return &Map[K, V]{m: make(map[K]entry[V]), max: max}
}

// Get returns the value of k if it was loaded under version.
func (c *Map[K, V]) Get(k K, version int64) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if !ok || e.version != version {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v for k, loaded under version. A load under an older version than
// the one stored is dropped: a slow request must not replace a fresher entry.
func (c *Map[K, V]) Put(k K, version int64, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok && old.version > version {
		return
	}
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = entry[V]{version: version, v: v}
}

// Drop forgets k (this instance's own write of it).
func (c *Map[K, V]) Drop(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}
