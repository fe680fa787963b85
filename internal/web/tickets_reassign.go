package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketReassign gives the ticket to the executor chosen in the form; a missing
// or foreign choice is the domain's field error.
func (s *Server) ticketReassign(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "reassign", notice: "journal.notice_reassign", do: func(ctx context.Context, u *users.User, id int64, r *http.Request) error {
		_, err := s.Tickets.Reassign(ctx, u, id, parseID(r.PostForm.Get("assignee_id")))
		return err
	}})
}
