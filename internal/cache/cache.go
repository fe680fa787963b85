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
// cheap (a few microseconds) and exact on both databases. The pages share it
// further (Reader): requests that arrive while a read is in flight share the one
// sent after it, which still sees everything committed before they arrived.
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
	// Device is the device whose tickets' stripe the request read with the
	// versions (0: none), and Tickets that stripe's version (ticket_versions,
	// migration 00023): it moves with the open tickets and their followers of
	// every device of the stripe.
	Device, Tickets int64
}

// TicketStripes is how many stripes of ticket_versions the devices share: a
// device's is its id modulo this (the migration's triggers use the same 1024).
const TicketStripes = 1024

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
func Read(ctx context.Context, q querier) (Versions, error) {
	return ReadDevice(ctx, q, 0)
}

// ReadDevice reads the versions row and, for a device id other than 0, the
// version of that device's tickets stripe, in one statement: on PostgreSQL the
// device page's versions and its open tickets' version cost one round trip.
func ReadDevice(ctx context.Context, q querier, device int64) (Versions, error) {
	var v Versions
	if device <= 0 {
		if err := q.QueryRowContext(ctx, "SELECT auth, catalogue FROM cache_versions WHERE id = 1").Scan(&v.Auth, &v.Catalogue); err != nil {
			return v, fmt.Errorf("cache: unable to read the versions: %w", err)
		}
		return v, nil
	}
	var tickets sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT auth, catalogue, (SELECT version FROM ticket_versions WHERE stripe = $1) FROM cache_versions WHERE id = 1",
		device%TicketStripes).Scan(&v.Auth, &v.Catalogue, &tickets); err != nil {
		return v, fmt.Errorf("cache: unable to read the versions: %w", err)
	}
	// A stripe without its row would never move: such a request reads the
	// tickets from the database.
	if tickets.Valid {
		v.Device, v.Tickets = device, tickets.Int64
	}
	return v, nil
}

// querier is the read pool, or anything that reads a row like it.
type querier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// Check reads the versions and returns ctx carrying them; on a read error it
// returns ctx unchanged, so the request reads the database itself. A request
// that may write (safe false: not GET or HEAD) carries the auth version only: it
// may read back the catalogue or a device it has just changed, under the version
// it read before its own change, so it reads those from the database. (Its
// session and account are read once, before anything it writes.)
func Check(ctx context.Context, q querier, safe bool) context.Context {
	return CheckDevice(ctx, q, safe, 0)
}

// CheckDevice is Check that also reads the tickets stripe of device (when not 0),
// for a request that will show that device's open tickets (the device page). A
// request that may write carries no stripe either, for the same reason as the
// catalogue.
func CheckDevice(ctx context.Context, q querier, safe bool, device int64) context.Context {
	if !safe {
		device = 0
	}
	v, err := ReadDevice(ctx, q, device)
	if err != nil {
		return ctx
	}
	return With(ctx, checked(v, safe))
}

// checked is v as a request carries it: one that may write (safe false) keeps
// the catalogue version aside (see Check).
func checked(v Versions, safe bool) Versions {
	if !safe {
		v.held, v.Catalogue = v.Catalogue, 0
	}
	return v
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

// Kept returns k's value from m when it was loaded under the catalogue version
// ctx carries (CatalogueVersion), else what load returns, kept in m under that
// version. Without a version in ctx, load is called and nothing is kept. dup
// copies a value on its way into and out of m, so that no caller shares a kept
// value it might change (slices.Clone for a list); nil when values are copied by
// assignment.
func Kept[K comparable, V any](ctx context.Context, m *Map[K, V], k K, dup func(V) V, load func() (V, error)) (V, error) {
	version, versioned := CatalogueVersion(ctx)
	if !versioned {
		return load()
	}
	if dup == nil {
		dup = func(v V) V { return v }
	}
	if v, ok := m.Get(k, version); ok {
		return dup(v), nil
	}
	v, err := load()
	if err == nil {
		m.Put(k, version, dup(v))
	}
	return v, err
}

// DeviceTickets returns the versions the request read if they include the
// tickets stripe of device, with the catalogue's: the versions a cached list of
// that device's open tickets must have been loaded under to be used.
func DeviceTickets(ctx context.Context, device int64) (Versions, bool) {
	v, ok := From(ctx)
	return v, ok && device != 0 && v.Device == device && v.Catalogue != 0
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
