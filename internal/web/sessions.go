package web

import (
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"smartservice/internal/users"
)

// sessionCookie is the name of the session cookie.
const sessionCookie = "ss_session"

// newSessions builds the session manager over the accounts module's store.
func (s *Server) newSessions() *scs.SessionManager {
	sm := scs.New()
	sm.Store = users.NewSessionStore(s.DB, s.Now)
	sm.Codec = newSessionCodec()
	sm.Lifetime = s.Config.SessionTTL
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.Config.BaseURL.Scheme == "https"
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.serverError(w, r, err)
	}
	return sm
}

// sessionCodec is scs's gob encoding, with decoding remembered: scs decodes the
// stored bytes on every request, and gob's decoder (a type description and
// reflection for every session) cost the device page about a tenth of its CPU.
// The same bytes always decode to the same values, so a decoded session is kept
// keyed by its bytes, and each request gets its own copy of the map (scs writes
// into it). Only sessions whose values are all plain scalars (ids, the epoch,
// times, strings) are kept: a copy of the map then shares nothing mutable.
type sessionCodec struct {
	gob scs.GobCodec
	mu  sync.RWMutex
	m   map[string]decodedSession
}

type decodedSession struct {
	deadline time.Time
	values   map[string]any
}

// maxDecodedSessions bounds the codec's memory (a few hundred bytes each); when
// full it is emptied and refills with the sessions in use.
const maxDecodedSessions = 10_000

func newSessionCodec() *sessionCodec { return &sessionCodec{m: map[string]decodedSession{}} }

// Encode is gob's, so stored sessions stay readable by any version.
func (c *sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	return c.gob.Encode(deadline, values)
}

// Decode returns a copy of the remembered decoding of b, or decodes it.
func (c *sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.RLock()
	d, ok := c.m[string(b)]
	c.mu.RUnlock()
	if ok {
		return d.deadline, maps.Clone(d.values), nil
	}
	deadline, values, err := c.gob.Decode(b)
	if err != nil || !scalarValues(values) {
		return deadline, values, err
	}
	c.mu.Lock()
	if len(c.m) >= maxDecodedSessions {
		clear(c.m)
	}
	c.m[string(b)] = decodedSession{deadline: deadline, values: maps.Clone(values)}
	c.mu.Unlock()
	return deadline, values, nil
}

// scalarValues reports whether every value is immutable once copied.
func scalarValues(values map[string]any) bool {
	for _, v := range values {
		switch v.(type) {
		case int, int64, int32, uint, uint64, float64, bool, string, time.Time:
		default:
			return false
		}
	}
	return true
}
