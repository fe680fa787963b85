package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketSend sends an unrouted ticket to the department chosen in the form
// (administrators); the domain then assigns it as filing would.
func (s *Server) ticketSend(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "send", notice: "loop.notice_send", do: func(ctx context.Context, u *users.User, id int64, r *http.Request) error {
		_, err := s.Tickets.Send(ctx, u, id, parseID(r.PostForm.Get("department_id")))
		return err
	}})
}
