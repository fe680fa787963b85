package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"smartservice/internal/assets"
	"smartservice/internal/httpx"
)

// sessDraft holds a filing form that arrived after its sender's session had ended.
const sessDraft = "filing_draft"

// filingDraft is what the person had typed and chosen: kept server-side in the
// (new, anonymous) session across the login, never in a URL.
type filingDraft struct {
	Code    string `json:"code"`
	Problem int64  `json:"problem"`
	Comment string `json:"comment"`
	// Photo says a photo was attached; it is not kept, the form asks for it again.
	Photo bool `json:"photo"`
}

// keepFilingDraft answers a filing form whose session ended (it expired, or the
// password changed elsewhere): the typed comment and the chosen problem are kept,
// and the login leads back to the same form, filled in again.
func (s *Server) keepFilingDraft(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !assets.ValidCode(code) {
		s.requireUser(w, r)
		return
	}
	next := "/a/" + code
	in, err := readFilingForm(r)
	if problem, perr := strconv.ParseInt(in.problem, 10, 64); perr == nil && problem > 0 && (err == nil || httpx.TooLarge(err)) {
		d := filingDraft{Code: code, Problem: problem, Comment: strings.ToValidUTF8(in.comment, "\uFFFD"), Photo: len(in.photo) > 0 || httpx.TooLarge(err)}
		if b, jerr := json.Marshal(d); jerr == nil {
			s.sessions.Put(r.Context(), sessDraft, string(b))
			next += "/report?problem=" + strconv.FormatInt(problem, 10)
		}
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// restoreFilingDraft returns the form of the device's problem, filled from a draft
// kept by keepFilingDraft for the same device and problem (used once), and whether a
// photo has to be chosen again.
func (s *Server) restoreFilingDraft(r *http.Request, code string, problem int64) (*form, bool) {
	f := newForm()
	raw := s.sessions.GetString(r.Context(), sessDraft)
	if raw == "" {
		return f, false
	}
	var d filingDraft
	if json.Unmarshal([]byte(raw), &d) != nil || d.Code != code || d.Problem != problem {
		return f, false
	}
	s.sessions.Remove(r.Context(), sessDraft)
	f.Values["comment"] = d.Comment
	f.Notice = s.localizer(r).T("draft.restored")
	return f, d.Photo
}
