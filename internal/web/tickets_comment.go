package web

import (
	"context"
	"net/http"

	"smartservice/internal/users"
)

// ticketComment adds the form's text to the ticket's history.
func (s *Server) ticketComment(w http.ResponseWriter, r *http.Request) {
	s.ticketPost(w, r, ticketChange{form: "comment", notice: "journal.notice_comment", do: func(ctx context.Context, u *users.User, id int64, r *http.Request) error {
		_, err := s.Tickets.Comment(ctx, u, id, r.PostForm.Get("text"))
		return err
	}})
}
