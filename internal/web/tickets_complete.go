package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketComplete closes the ticket with the resolution note from the form.
func (s *Server) ticketComplete(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "complete", notice: "journal.notice_complete", do: func(ctx context.Context, u *users.User, id int64, r *http.Request) error {
		_, err := s.Tickets.Complete(ctx, u, id, r.PostForm.Get("resolution"))
		return err
	}})
}
