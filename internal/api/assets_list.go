package api

import (
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

// assetList is a page of devices with the number of all that match.
type assetList struct {
	Items      []assetView `json:"items"`
	NextCursor *string     `json:"next_cursor"`
	Total      int         `json:"total"`
}

// listAssets answers GET /api/v1/assets: the devices the caller may see, by id, a
// page at a time; ?q= searches name, inventory number and location; filters
// ?service_class_id=, ?service_type_id=, ?building=, ?floor=, ?archived=true|false
// (absent: active devices only).
func (a *API) listAssets(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	limit, after := pageAfterID(r, "assets", &f)
	q := r.URL.Query()
	filter := assets.Filter{Q: q.Get("q"), Building: q.Get("building"), Floor: q.Get("floor"), Limit: limit, AfterID: after,
		ClassID: queryID(r, "service_class_id", &f), TypeID: queryID(r, "service_type_id", &f)}
	if s := q.Get("archived"); s != "" {
		switch s {
		case "true", "false":
			archived := s == "true"
			filter.Archived = &archived
		default:
			f.Add("archived", "api.boolean")
		}
	}
	for _, name := range []string{"q", "building", "floor"} {
		if len(q.Get(name)) > 200 {
			f.Add(name, "validation.search_long")
		}
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	page, err := a.Assets.List(r.Context(), c.user, filter)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := a.assetViewer(r, c)
	out := assetList{Items: make([]assetView, 0, len(page.Items)), Total: page.Total}
	for _, as := range page.Items {
		av, err := v.view(as)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		out.Items = append(out.Items, av)
	}
	if page.NextAfter > 0 {
		cur := encodeCursor("assets", strconv.FormatInt(page.NextAfter, 10))
		out.NextCursor = &cur
	}
	a.writeJSON(w, http.StatusOK, out)
}
