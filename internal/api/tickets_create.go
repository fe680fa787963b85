package api

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/tickets"
)

// ticketCreate is the body of POST /api/v1/tickets: the device by id or by the code
// of its label (exactly one), the problem and an optional comment. A
// multipart/form-data body carries the same fields and may add a photo.
type ticketCreate struct {
	AssetID       *int64  `json:"asset_id"`
	AssetCode     *string `json:"asset_code"`
	ProblemTypeID *int64  `json:"problem_type_id"`
	Comment       text    `json:"comment"`
	// photo is the multipart body's file part, as uploaded (never from JSON).
	photo []byte
}

// createFields maps the domain's field names to the API's.
var createFields = map[string]string{"idempotency_key": "Idempotency-Key"}

// createTicket answers POST /api/v1/tickets with 201 and the ticket, routed and,
// where an executor is available, assigned. An unknown or hidden device answers
// 404, an archived one 409 (the domain's answer: the device exists and the caller
// sees it, it just takes no tickets); a problem its type does not offer 422. With
// an Idempotency-Key header, a repeat of the same request within a day answers the
// first ticket again (201) and files nothing; the same key with another body 409.
// The body is JSON, or multipart/form-data when it carries a photo.
func (a *API) createTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	var in ticketCreate
	var f apperr.Fields
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if !a.readTicketForm(w, r, &in, &f) {
			return
		}
	} else if !a.decode(w, r, &in) {
		return
	}
	switch {
	case in.AssetID != nil && in.AssetCode != nil:
		f.Add("asset_code", "api.asset_one")
	case in.AssetID == nil && in.AssetCode == nil && !f.Has("asset_id"):
		f.Add("asset_id", "api.asset_required")
	case in.AssetID != nil && *in.AssetID <= 0:
		f.Add("asset_id", "api.id_invalid")
	}
	if (in.ProblemTypeID == nil || *in.ProblemTypeID <= 0) && !f.Has("problem_type_id") {
		f.Add("problem_type_id", "api.id_invalid")
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	// The domain reads the device, by id or by code, once.
	file := tickets.FileInput{ProblemID: *in.ProblemTypeID, Comment: string(in.Comment), Photo: in.photo,
		IdempotencyKey: r.Header.Get("Idempotency-Key")}
	if in.AssetID != nil {
		file.AssetID = *in.AssetID
	} else {
		file.AssetCode = *in.AssetCode
	}
	t, err := a.Tickets.File(r.Context(), c.user, file)
	if err != nil {
		a.fail(w, r, err, createFields)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/tickets/%d", t.ID))
	a.answerTicket(w, r, c, http.StatusCreated, t.ID)
}

// The multipart body is read part by part from the stream, never spooled to disk:
// a text part up to maxFormText bytes (far more than any valid value: a longer
// comment is cut there and refused as too long by the domain), the photo up to one
// byte more than tickets.MaxPhotoBytes, so the domain can tell "too large" from
// "just fits". The whole body is bounded by the web server's upload limit.
const (
	maxFormText  = 32 << 10
	maxFormParts = 16
)

// readTicketForm reads a multipart/form-data body into in. A field the action does
// not take, or one sent twice, is a field error in f, as an unknown JSON field is;
// an empty text field counts as absent (a form's unused asset_id). On a body it
// cannot read it answers itself (400, or 413 past the body limit) and returns false.
func (a *API) readTicketForm(w http.ResponseWriter, r *http.Request, in *ticketCreate, f *apperr.Fields) bool {
	mr, err := r.MultipartReader()
	if err != nil {
		a.problem(w, r, http.StatusBadRequest, "api.form_malformed")
		return false
	}
	seen := map[string]bool{}
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return true
		}
		if err != nil || parts >= maxFormParts {
			a.formFailed(w, r, err)
			return false
		}
		name := p.FormName()
		limit := int64(maxFormText)
		if name == "photo" {
			limit = tickets.MaxPhotoBytes + 1
		}
		b, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil {
			a.formFailed(w, r, err)
			return false
		}
		switch {
		case name == "":
			a.problem(w, r, http.StatusBadRequest, "api.form_malformed")
			return false
		case seen[name]:
			if !f.Has(name) {
				f.Add(name, "api.form_repeated")
			}
			continue
		}
		seen[name] = true
		if int64(len(b)) > limit {
			if name != "comment" {
				// Only a comment can be long; anything else this long is not a
				// value worth reading further.
				a.problem(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
				return false
			}
			b = cutRunes(b[:limit])
		}
		switch name {
		case "photo":
			in.photo = b // empty when no file was chosen
		case "comment":
			in.Comment = text(b) // invalid UTF-8 stays invalid: the domain refuses it
		case "asset_code":
			if len(b) > 0 {
				s := string(b)
				in.AssetCode = &s
			}
		case "asset_id", "problem_type_id":
			if len(b) == 0 {
				continue
			}
			n, err := strconv.ParseInt(string(b), 10, 64)
			if err != nil || n <= 0 {
				f.Add(name, "api.id_invalid")
				continue
			}
			if name == "asset_id" {
				in.AssetID = &n
			} else {
				in.ProblemTypeID = &n
			}
		default:
			f.Add(name, "api.unknown_field")
		}
	}
}

// formFailed answers a multipart body that could not be read: 413 past the body
// limit, 400 otherwise (cut short, no closing boundary, too many parts).
func (a *API) formFailed(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil && tooLarge(err) {
		w.Header().Set("Connection", "close")
		a.problem(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
		return
	}
	a.problem(w, r, http.StatusBadRequest, "api.form_malformed")
}

// cutRunes drops a character cut in half at the end of b (at most three bytes), so
// a comment cut at the read limit is refused for its length, not its encoding.
func cutRunes(b []byte) []byte {
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0; i++ {
		if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size > 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}
