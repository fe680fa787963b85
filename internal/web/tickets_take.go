package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketTake takes a queued ticket (an executor of its department).
func (s *Server) ticketTake(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "take", notice: "journal.notice_take", do: func(ctx context.Context, u *users.User, id int64, _ *http.Request) error {
		_, err := s.Tickets.Take(ctx, u, id)
		return err
	}})
}
