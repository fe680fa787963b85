package api

import (
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address failed logins are counted against: the peer, or the
// last untrusted hop of X-Forwarded-For when the peer is a trusted proxy (the same
// rule as the login page's).
func (a *API) clientAddr(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !a.trusted(addr) {
		return addr.String()
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		h = h.Unmap()
		if !a.trusted(h) {
			return h.String()
		}
		addr = h
	}
	return addr.String()
}

func (a *API) trusted(addr netip.Addr) bool {
	for _, p := range a.Config.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
