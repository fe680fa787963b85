package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"smartservice/internal/audit"
)

// auditQuery is the audit page's filter as read from the query string; values that
// do not parse are ignored (a bookmarked link may carry them) and shown blank.
type auditQuery struct {
	filter audit.Filter
	form   *form
	// keep is the query without the cursor: the CSV link and "next" carry it.
	keep url.Values
}

// auditFilter reads ?who=, ?kind=, ?from= and ?to= (days in the office's zone, both
// included) and ?cursor=.
func (s *Server) auditFilter(r *http.Request) auditQuery {
	q := r.URL.Query()
	aq := auditQuery{form: newForm(), keep: url.Values{}}
	if who := strings.TrimSpace(q.Get("who")); who != "" && len(who) <= 254 {
		aq.filter.ActorEmail = who
		aq.form.Values["who"] = who
		aq.keep.Set("who", who)
	}
	if k := q.Get("kind"); slices.Contains(audit.Kinds, k) || slices.Contains(auditFamilies, k) {
		aq.filter.Kind = k
		aq.form.Values["kind"] = k
		aq.keep.Set("kind", k)
	}
	loc := s.Config.Location
	if d, err := time.ParseInLocation(time.DateOnly, q.Get("from"), loc); err == nil {
		aq.filter.From = d
		aq.form.Values["from"] = q.Get("from")
		aq.keep.Set("from", q.Get("from"))
	}
	if d, err := time.ParseInLocation(time.DateOnly, q.Get("to"), loc); err == nil {
		aq.filter.To = d.AddDate(0, 0, 1)
		aq.form.Values["to"] = q.Get("to")
		aq.keep.Set("to", q.Get("to"))
	}
	aq.filter.Cursor = q.Get("cursor")
	return aq
}

// auditFamilies are the kinds' families the filter offers above the single kinds.
var auditFamilies = []string{"user.", "department.", "token.", "rule.", "asset.", "catalogue.", "notification.", "upkeep.", "settings."}
