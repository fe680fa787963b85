package httpx

import "context"

// ClientAddrFrom returns the client address of the request whose context ctx is
// ("" outside the host). Code that gets only a context, such as the audit trail
// under a domain call, reads the address with it.
func ClientAddrFrom(ctx context.Context) string {
	if ri := infoOf(ctx); ri != nil {
		return ri.ClientAddr
	}
	return ""
}
