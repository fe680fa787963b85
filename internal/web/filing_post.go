package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/tickets"
)

// The filing form's parts are read one by one from the stream (no temporary
// files): the texts up to maxFilingField bytes, the photo up to one byte more than
// tickets.MaxPhotoBytes, so the domain can tell "too large" from "just fits".
const (
	maxFilingField = 32 << 10
	maxFilingParts = 16
)

// photoTooBigKeys is the 413 page of an upload over the whole form's limit.
var photoTooBigKeys = [2]string{"filing.photo_too_big_title", "filing.photo_too_big_body"}

// formTokenPrefix keeps the form's idempotency keys apart from the API's, which
// the same person may choose freely.
const formTokenPrefix = "form:"

// filingInput is what the filing form posted.
type filingInput struct {
	problem, comment, token string
	photo                   []byte
}

var errBadForm = errors.New("web: malformed filing form")

// readFilingForm reads the multipart form. A read past the body limit returns the
// fields read so far with an error tooLarge recognises.
func readFilingForm(r *http.Request) (*filingInput, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errBadForm
	}
	in := &filingInput{}
	seen := map[string]bool{}
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return in, nil
		}
		if err != nil {
			if tooLarge(err) {
				return in, err
			}
			return in, errBadForm
		}
		if parts >= maxFilingParts {
			return in, errBadForm
		}
		name := p.FormName()
		if seen[name] {
			continue // the first of a repeated field counts
		}
		seen[name] = true
		switch name {
		case "photo":
			b, err := io.ReadAll(io.LimitReader(p, tickets.MaxPhotoBytes+1))
			if err != nil {
				return in, readErr(err)
			}
			in.photo = b // empty when no file was chosen
		case "problem", "comment", "token":
			b, err := io.ReadAll(io.LimitReader(p, maxFilingField))
			if err != nil {
				return in, readErr(err)
			}
			// Browsers send a textarea's line breaks as CRLF; the limit of 2,000
			// characters counts each as one, as the textarea's maxlength does.
			v := strings.ReplaceAll(string(b), "\r\n", "\n")
			switch name {
			case "problem":
				in.problem = v
			case "comment":
				in.comment = v
			default:
				in.token = v
			}
		}
	}
}

func readErr(err error) error {
	if tooLarge(err) {
		return err
	}
	return errBadForm
}

// filingPost files the ticket and sends the reporter to its confirmation. Refused
// input renders the form again with what to fix, the comment kept (a photo cannot
// be put back into a file input, so the page asks for it again).
func (s *Server) filingPost(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	if u == nil {
		s.keepFilingDraft(w, r) // the session ended while the form was open
		return
	}
	in, readErr := readFilingForm(r)
	if readErr != nil && !tooLarge(readErr) {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	v, err := s.Assets.LookupByCode(r.Context(), u, r.PathValue("code"))
	if err != nil {
		s.deviceFail(w, r, err)
		return
	}
	problemID, perr := strconv.ParseInt(in.problem, 10, 64)
	o, offered := v.Offers(problemID)
	if readErr != nil {
		if perr != nil || !offered || v.Asset.Archived {
			s.errorPageKeys(w, r, http.StatusRequestEntityTooLarge, photoTooBigKeys)
			return
		}
		f := newForm()
		f.Values["comment"] = strings.ToValidUTF8(in.comment, "\uFFFD")
		f.Errors["photo"] = s.localizer(r).T("ticket.photo_too_large", "MaxMB", tickets.MaxPhotoBytes>>20)
		s.renderFilingForm(w, r, u, http.StatusRequestEntityTooLarge, v, o, f, in.token, false)
		return
	}
	if perr != nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	key := ""
	if in.token != "" {
		key = formTokenPrefix + in.token
	}
	t, err := s.Tickets.File(r.Context(), u, tickets.FileInput{AssetID: v.Asset.ID, ProblemID: problemID, Comment: in.comment,
		Photo: in.photo, IdempotencyKey: key})
	if err == nil {
		http.Redirect(w, r, "/tickets/"+strconv.FormatInt(t.ID, 10)+"/filed", http.StatusSeeOther)
		return
	}
	e := apperr.As(err)
	switch {
	case e == nil || e.Code == apperr.Internal:
		s.serverError(w, r, err)
		return
	case e.Code == apperr.NotFound:
		s.deviceFail(w, r, err)
		return
	case e.Key == "ticket.asset_archived":
		s.errorPageKeys(w, r, http.StatusConflict, [2]string{"filing.archived_title", "ticket.asset_archived"})
		return
	case !offered || hasField(e, "problem_type_id"):
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	f := newForm()
	f.Values["comment"] = strings.ToValidUTF8(in.comment, "\uFFFD")
	status, ok := fill(f, s.localizer(r), err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	if msg, bad := f.Errors["idempotency_key"]; bad {
		f.Message = msg
	}
	token := in.token
	if e.Key == "ticket.idempotency_mismatch" || hasField(e, "idempotency_key") {
		token = newFormToken() // this token is spent, or was never good
	}
	s.renderFilingForm(w, r, u, status, v, o, f, token, len(in.photo) > 0 && f.Err("photo") == "")
}

func hasField(e *apperr.Error, field string) bool {
	for _, fe := range e.Fields {
		if fe.Field == field {
			return true
		}
	}
	return false
}
