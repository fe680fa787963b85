package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketFollow makes the reader follow the ticket ("me too"). The device page's and
// the filing form's "me too" send the device's code (a hidden field), which lets
// someone who does not see the ticket yet follow it (tickets.Follow); the ticket
// page's button sends none. The form's next, a local path, says where to return.
func (s *Server) ticketFollow(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "follow", notice: "journal.notice_follow", do: func(ctx context.Context, u *users.User, id int64, req *http.Request) error {
		return s.Tickets.Follow(ctx, u, id, req.PostForm.Get("code"))
	}})
}
