package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
)

// auditView is one audit entry; before and after are the JSON the change recorded,
// null where the thing did not exist.
type auditView struct {
	ID         int64           `json:"id"`
	At         string          `json:"at"`
	ActorID    *int64          `json:"actor_id"`
	ActorEmail string          `json:"actor_email"`
	Addr       string          `json:"addr"`
	Kind       string          `json:"kind"`
	Subject    string          `json:"subject"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// listAudit answers GET /api/v1/audit (admin): entries newest first, filtered by
// ?actor= (e-mail), ?kind= (a kind, or a family ending in "."), ?from= and ?to=
// (RFC 3339 times, from included, to excluded).
func (a *API) listAudit(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	limit, _ := pageQuery(r, "audit", &f)
	q := r.URL.Query()
	filter := audit.Filter{Limit: limit, ActorEmail: q.Get("actor"), Kind: q.Get("kind")}
	if c := q.Get("cursor"); c != "" {
		if after, ok := decodeCursor("audit", c); ok {
			filter.Cursor = after
		} else {
			f.Add("cursor", "api.cursor")
		}
	}
	if k := filter.Kind; k != "" && !slices.Contains(audit.Kinds, k) && !slices.ContainsFunc(audit.Kinds, func(x string) bool {
		return k[len(k)-1] == '.' && len(x) > len(k) && x[:len(k)] == k
	}) {
		f.Add("kind", "audit.kind_unknown")
	}
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"from", &filter.From}, {"to", &filter.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				f.Add(p.name, "audit.time_invalid")
			}
			*p.to = t
		}
	}
	if len(filter.ActorEmail) > 254 {
		f.Add("actor", "audit.actor_long")
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	page, err := a.Audit.List(r.Context(), c.user, filter)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]auditView, len(page.Rows))
	for i, e := range page.Rows {
		v := auditView{ID: e.ID, At: a.timestamp(e.At), ActorEmail: e.ActorEmail, Addr: e.Addr, Kind: e.Kind, Subject: e.Subject,
			Before: rawOrNull(e.Before), After: rawOrNull(e.After)}
		if e.ActorID != 0 {
			id := e.ActorID
			v.ActorID = &id
		}
		items[i] = v
	}
	out := list[auditView]{Items: items}
	if page.Next != "" {
		c := encodeCursor("audit", page.Next)
		out.NextCursor = &c
	}
	a.writeJSON(w, http.StatusOK, out)
}
