package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketReopen sends a completed ticket back to its executor ("still broken").
func (s *Server) ticketReopen(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "reopen", notice: "journal.notice_reopen", do: func(ctx context.Context, u *users.User, id int64, _ *http.Request) error {
		_, err := s.Tickets.Reopen(ctx, u, id)
		return err
	}})
}
