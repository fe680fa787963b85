package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketCancel cancels the ticket with the reason from the form (required).
func (s *Server) ticketCancel(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "cancel", notice: "journal.notice_cancel", do: func(ctx context.Context, u *users.User, id int64, r *http.Request) error {
		_, err := s.Tickets.Cancel(ctx, u, id, r.PostForm.Get("reason"))
		return err
	}})
}
