package web

import (
	"net/http"

	"smartservice/internal/apperr"
)

// availabilityCard is an executor's own availability on their home page: on duty
// or away, and, when they hold tickets, the choice of what happens to them on
// leaving (keep them, or hand them back for reassignment).
type availabilityCard struct {
	Available bool
	Holding   int
	// Error is the refusal of the previous attempt (no choice made).
	Error string
}

// homeAvailability sets the executor's own availability from the home page's
// form: available=1 is "back on duty"; available=0 with tickets=keep or
// tickets=hand_back is "away", and a holder of tickets must say which.
func (s *Server) homeAvailability(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	available := r.PostForm.Get("available") == "1"
	choice := r.PostForm.Get("tickets")
	if !available && choice != "keep" && choice != "hand_back" {
		av, err := s.Tickets.MyAvailability(r.Context(), u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if av.Holding > 0 {
			s.setNotice(r.Context(), "loop.away_choose")
			http.Redirect(w, r, "/#availability-title", http.StatusSeeOther)
			return
		}
	}
	n, err := s.Tickets.SetAvailability(r.Context(), u, available, choice == "hand_back")
	if apperr.CodeOf(err) == apperr.Invalid {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case available:
		s.setNotice(r.Context(), "loop.notice_back")
	case n > 0:
		s.setNotice(r.Context(), "loop.notice_away_handed")
	default:
		s.setNotice(r.Context(), "loop.notice_away")
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
