package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketStart marks the assignee's ticket as in progress.
func (s *Server) ticketStart(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "start", notice: "journal.notice_start", do: func(ctx context.Context, u *users.User, id int64, _ *http.Request) error {
		_, err := s.Tickets.Start(ctx, u, id)
		return err
	}})
}
