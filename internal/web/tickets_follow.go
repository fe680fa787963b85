package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketFollow makes the reader follow the ticket ("me too"). The form's next, a local path
// (the device page's "me too" sends one), says where to return.
func (s *Server) ticketFollow(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "follow", notice: "journal.notice_follow", do: func(ctx context.Context, u *users.User, id int64, _ *http.Request) error {
		return s.Tickets.Follow(ctx, u, id)
	}})
}
