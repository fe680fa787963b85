package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/i18n"
	"smartservice/internal/users"
)

// assetLabels serves an A4 sheet of QR labels (admins): of the devices listed in
// ids (?ids=1,2,3, or ids repeated, as the list's checkboxes send them), or, when
// no ids are given, of every device the list's filters match. Malformed ids, more
// than assets.MaxLabels devices, or an empty selection answer 400.
func (s *Server) assetLabels(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	q := r.URL.Query()
	ids, ok := parseIDList(q["ids"])
	if !ok {
		s.errorPageKeys(w, r, http.StatusBadRequest, [2]string{"error.bad_request_title", "labels.bad_ids"})
		return
	}
	if len(ids) == 0 && (q.Has("ids") || q.Get("selected") != "") {
		// The list's "print selected" with no box ticked goes back to the list,
		// which says so; anything else (a hand-made link) gets the 400 page.
		if back := LocalPath(q.Get("back")); back == "/assets" || strings.HasPrefix(back, "/assets?") {
			sep := "?"
			if strings.Contains(back, "?") {
				sep = "&"
			}
			http.Redirect(w, r, back+sep+"labels=none", http.StatusSeeOther)
			return
		}
		s.errorPageKeys(w, r, http.StatusBadRequest, [2]string{"error.bad_request_title", "labels.none_chosen"})
		return
	}
	if len(ids) == 0 {
		if !u.IsAdmin() {
			// AdminAssets refuses anyone else as well; this spares listing for nothing.
			s.errorPage(w, r, http.StatusForbidden)
			return
		}
		var done bool
		if ids, done = s.filteredIDs(w, r, u, q); done {
			return
		}
	}
	list, err := s.Assets.AdminAssets(r.Context(), u, ids)
	if err != nil {
		s.labelsFail(w, r, err)
		return
	}
	labels := make([]assets.Label, len(list))
	for i, a := range list {
		labels[i] = assets.LabelFor(a, s.Config.BaseURL)
	}
	pdf, err := assets.LabelSheetPDF(s.labelText(r), labels)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sendFile(w, "application/pdf", "labels.pdf", pdf)
}

// assetLabel serves one device's label on a page of its own size (admins).
func (s *Server) assetLabel(w http.ResponseWriter, r *http.Request) {
	a := s.adminAsset(w, r)
	if a == nil {
		return
	}
	pdf, err := assets.LabelPDF(s.labelText(r), assets.LabelFor(a, s.Config.BaseURL))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sendFile(w, "application/pdf", "label-"+a.Code+".pdf", pdf)
}

func (s *Server) labelText(r *http.Request) assets.LabelText {
	loc := s.localizer(r)
	// A label hangs on a device for everyone: its call to action is in every
	// language, the printer's first.
	caption := []string{loc.T("labels.caption")}
	for _, lang := range i18n.Languages {
		if lang != loc.Lang() {
			caption = append(caption, s.Catalog.For(lang).T("labels.caption"))
		}
	}
	return assets.LabelText{Office: s.Config.OfficeName, Caption: strings.Join(caption, " · "), Title: loc.T("labels.title")}
}

// filteredIDs lists the ids of the devices the list's filters in q match, at most
// assets.MaxLabels of them; done means the request was answered already.
func (s *Server) filteredIDs(w http.ResponseWriter, r *http.Request, u *users.User, q url.Values) (ids []int64, done bool) {
	_, filter, _ := assetFilter(q)
	filter.Limit = 200
	for {
		page, err := s.Assets.List(r.Context(), u, filter)
		if err != nil {
			s.labelsFail(w, r, err)
			return nil, true
		}
		if page.Total > assets.MaxLabels {
			s.errorPageKeys(w, r, http.StatusBadRequest, [2]string{"error.bad_request_title", "labels.too_many_filtered"})
			return nil, true
		}
		for _, a := range page.Items {
			ids = append(ids, a.ID)
		}
		if page.NextAfter == 0 || len(ids) >= assets.MaxLabels {
			return ids, false
		}
		filter.AfterID = page.NextAfter
	}
}

// labelsFail answers a refused label request: bad input is a 400 page saying why.
func (s *Server) labelsFail(w http.ResponseWriter, r *http.Request, err error) {
	if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
		s.errorPageKeys(w, r, http.StatusBadRequest, [2]string{"error.bad_request_title", e.Key})
		return
	}
	s.fail(w, r, err)
}

// parseIDList reads ids given as "1,2,3", repeated, or both. ok is false when one
// is not a positive integer or there are more than assets.MaxLabels.
func parseIDList(values []string) (ids []int64, ok bool) {
	for _, v := range values {
		if len(v) > 20*assets.MaxLabels {
			return nil, false
		}
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			id, err := strconv.ParseInt(p, 10, 64)
			if err != nil || id <= 0 || len(ids) >= assets.MaxLabels {
				return nil, false
			}
			ids = append(ids, id)
		}
	}
	return ids, true
}
