package web

import (
	"context"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// ticketChange is one change of a ticket posted from its page: which form it is
// (to unfold it again with its errors) and what it asks of the domain.
type ticketChange struct {
	form   string
	notice string
	do     func(ctx context.Context, u *users.User, id int64, r *http.Request) error
}

// ticketPost runs a change posted from a ticket's page. Success goes back to the
// page (or to a local next, for follow and unfollow) with a notice. A refusal the
// reader can act on re-renders the page with the message and the status: 422 for
// bad input, 409 when the ticket's state no longer allows it, 403 when the reader
// may not. Who may not see the ticket gets the same 404 as for an absent one.
func (s *Server) ticketPost(w http.ResponseWriter, r *http.Request, c ticketChange) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id := ticketID(r)
	if id == 0 {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	err := c.do(r.Context(), u, id, r)
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		f := newForm()
		for k := range r.PostForm {
			f.Values[k] = r.PostForm.Get(k)
		}
		status, _ := fill(f, s.localizer(r), err)
		if f.Message == "" {
			f.fail(s.localizer(r), "", "journal.fix_below")
		}
		r = keepOnSwitch(r, "ticket-"+c.form+"-form", "/tickets/"+itoa(id), f)
		s.renderTicket(w, r, u, id, status, f, c.form)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), c.notice)
	http.Redirect(w, r, s.ticketNext(r, u, id), http.StatusSeeOther)
}

// ticketNext is where a change returns to: the form's local next, else the
// ticket's page, else (after an unfollow that hid the ticket) the journal.
func (s *Server) ticketNext(r *http.Request, u *users.User, id int64) string {
	if next := LocalPath(r.PostForm.Get("next")); next != "" {
		return next
	}
	if _, err := s.Tickets.Get(r.Context(), u, id); apperr.CodeOf(err) == apperr.NotFound {
		return "/tickets"
	}
	return "/tickets/" + itoa(id)
}
