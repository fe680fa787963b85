package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/netip"
	"strings"
)

// Info is what the host learns about a request, kept in its context: the outermost
// layer sets the id and the client address, the faces name the route, and the
// access log and the metrics read it all back once the answer is written.
type Info struct {
	// ID is the request id: the caller's X-Request-ID when short and plain (a
	// proxy's), else a random one. It is answered in X-Request-ID and shown on 500s.
	ID string
	// Route is the route pattern the face matched ("GET /tickets/{id}"), the label of
	// the metrics; never the raw path. Empty until a face names it.
	Route string
	// ClientAddr is the address the request is counted against (login throttling):
	// the peer, or the last untrusted hop of X-Forwarded-For when the peer is a
	// trusted proxy.
	ClientAddr string

	face mount
}

type infoKey struct{}

// infoOf returns the request's Info, or nil outside the host.
func infoOf(ctx context.Context) *Info {
	ri, _ := ctx.Value(infoKey{}).(*Info)
	return ri
}

// RequestID returns the id of the request being served ("" outside the host).
func RequestID(ctx context.Context) string {
	if ri := infoOf(ctx); ri != nil {
		return ri.ID
	}
	return ""
}

// SetRoute records pattern as the route of the request being served, for its
// metrics and log line. Each face names the route it matched; a handler mounted
// under a wider pattern may name a finer one later. Outside the host it does nothing.
func SetRoute(ctx context.Context, pattern string) {
	if ri := infoOf(ctx); ri != nil {
		ri.Route = pattern
	}
}

// Route returns the route named so far for the request ("" when none, or outside the host).
func Route(ctx context.Context) string {
	if ri := infoOf(ctx); ri != nil {
		return ri.Route
	}
	return ""
}

// ClientAddr returns the address r is counted against: the one the host worked out
// from its trusted proxies, or, for a face served without the host (a test), the
// peer's address.
func ClientAddr(r *http.Request) string {
	if ri := infoOf(r.Context()); ri != nil {
		return ri.ClientAddr
	}
	return clientAddr(r, nil)
}

// clientAddr is the peer, or, when the peer is a trusted proxy, the last hop of
// X-Forwarded-For that is not one (the hops before it are the client's to forge).
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !isTrusted(trusted, addr) {
		return addr.String()
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		h = h.Unmap()
		if !isTrusted(trusted, h) {
			return h.String()
		}
		addr = h
	}
	return addr.String()
}

func isTrusted(trusted []netip.Prefix, a netip.Addr) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// requestID keeps a caller's id when it is short and plain (a proxy's), else makes one.
func requestID(given string) string {
	if n := len(given); n >= 8 && n <= 64 {
		ok := true
		for _, c := range given {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			return given
		}
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
