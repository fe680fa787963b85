package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/httpx"
	"smartservice/internal/tickets"
)

// The filing form's parts are read one by one from the stream (no temporary
// files, see httpx.ReadForm): the texts up to maxFilingField bytes, the photo up
// to one byte more than tickets.MaxPhotoBytes, so the domain can tell "too large"
// from "just fits".
const maxFilingField = 32 << 10

var filingFields = []httpx.FormField{
	{Name: "problem", Max: maxFilingField, Cut: true},
	{Name: "comment", Max: maxFilingField, Cut: true},
	{Name: "token", Max: maxFilingField, Cut: true},
	{Name: "photo", Max: tickets.MaxPhotoBytes + 1, Cut: true, File: true},
}

// photoTooBigKeys is the 413 page of an upload over the whole form's limit.
var photoTooBigKeys = [2]string{"filing.photo_too_big_title", "filing.photo_too_big_body"}

// repeatedFieldKeys is the 400 page of a form that sent a field twice.
var repeatedFieldKeys = [2]string{"form.repeated_title", "form.repeated_body"}

// photoTooBig answers a filing whose declared length is over the upload limit:
// nothing else in that form can be that large.
func (s *Server) photoTooBig(w http.ResponseWriter, r *http.Request) {
	s.errorPageKeys(w, r, http.StatusRequestEntityTooLarge, photoTooBigKeys)
}

// formTokenPrefix keeps the form's idempotency keys apart from the API's, which
// the same person may choose freely.
const formTokenPrefix = "form:"

// filingInput is what the filing form posted.
type filingInput struct {
	problem, comment, token string
	photo                   []byte
}

// readFilingForm reads the multipart form. A read past the body limit returns the
// fields read so far with an error httpx.TooLarge recognises.
func readFilingForm(r *http.Request) (*filingInput, error) {
	f, err := httpx.ReadForm(r, filingFields...)
	// Browsers send a textarea's line breaks as CRLF; the limit of 2,000
	// characters counts each as one, as the textarea's maxlength does.
	text := func(name string) string { return strings.ReplaceAll(f.Get(name), "\r\n", "\n") }
	in := &filingInput{problem: text("problem"), comment: text("comment"), token: text("token"), photo: f.Bytes("photo")}
	return in, err
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
	var repeated *httpx.RepeatedError
	switch {
	case errors.As(readErr, &repeated):
		s.errorPageKeys(w, r, http.StatusBadRequest, repeatedFieldKeys)
		return
	case readErr != nil && !httpx.TooLarge(readErr):
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	code := r.PathValue("code")
	problemID, perr := strconv.ParseInt(in.problem, 10, 64)
	if readErr != nil {
		// Nothing is filed; the device is read only to show its form again.
		v, err := s.Assets.LookupByCode(r.Context(), u, code)
		if err != nil {
			s.deviceFail(w, r, err)
			return
		}
		o, offered := v.Offers(problemID)
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
	// The domain reads the device by its code, once, and says what is wrong with it.
	t, err := s.Tickets.File(r.Context(), u, tickets.FileInput{AssetCode: code, ProblemID: problemID, Comment: in.comment,
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
	case e.Code == apperr.NotFound: // unknown, hidden or re-issued (assets.ErrReplaced)
		s.deviceFail(w, r, err)
		return
	case e.Key == "ticket.asset_archived":
		s.errorPageKeys(w, r, http.StatusConflict, [2]string{"filing.archived_title", "ticket.asset_archived"})
		return
	case hasField(e, "problem_type_id"):
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	// A refusal to fix on the form: read the device to show the form again.
	v, verr := s.Assets.LookupByCode(r.Context(), u, code)
	if verr != nil {
		s.deviceFail(w, r, verr)
		return
	}
	o, _ := v.Offers(problemID)
	f := newForm()
	f.Values["comment"] = strings.ToValidUTF8(in.comment, "\uFFFD")
	status, ok := fill(f, s.localizer(r), err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	f.moveErr("idempotency_key", "", true)
	token := in.token
	if e.Key == "ticket.idempotency_mismatch" || hasField(e, "idempotency_key") {
		token = newFormToken() // this token is spent, or was never good
	}
	back := "/a/" + v.Asset.Code + "/report?" + url.Values{"problem": {strconv.FormatInt(o.ID, 10)}}.Encode()
	s.renderFilingForm(w, keepOnSwitch(r, filingFormID, back, f), u, status, v, o, f, token, len(in.photo) > 0 && f.Err("photo") == "")
}

func hasField(e *apperr.Error, field string) bool {
	for _, fe := range e.Fields {
		if fe.Field == field {
			return true
		}
	}
	return false
}
