package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketUnfollow stops the reader following the ticket. The form's next, a local path
// (the device page's "me too" sends one), says where to return.
func (s *Server) ticketUnfollow(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "unfollow", notice: "journal.notice_unfollow", do: func(ctx context.Context, u *users.User, id int64, _ *http.Request) error {
		return s.Tickets.Unfollow(ctx, u, id)
	}})
}
