package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
	"smartservice/internal/httpx"
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
	v, err := a.Tickets.FileBrief(r.Context(), c.user, file)
	if err != nil {
		a.fail(w, r, err, createFields)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/tickets/%d", v.Row.ID))
	a.writeBrief(w, r, http.StatusCreated, v)
}

// The multipart body is read part by part from the stream by httpx.ReadForm: a
// text part up to maxFormText bytes (far more than any valid value: a longer
// comment is cut there and refused as too long by the domain, anything else that
// long is 413), the photo up to one byte more than tickets.MaxPhotoBytes, so the
// domain can tell "too large" from "just fits". The whole body is bounded by the
// upload limit (routes.go).
const maxFormText = 32 << 10

var ticketFormFields = []httpx.FormField{
	{Name: "asset_id", Max: maxFormText},
	{Name: "asset_code", Max: maxFormText},
	{Name: "problem_type_id", Max: maxFormText},
	{Name: "comment", Max: maxFormText, Cut: true},
	{Name: "photo", Max: tickets.MaxPhotoBytes + 1, File: true},
}

// readTicketForm reads a multipart/form-data body into in. A field the action does
// not take, or one sent twice, is a field error in f, as an unknown JSON field is;
// an empty text field counts as absent (a form's unused asset_id). On a body it
// cannot read it answers itself (400, or 413 past a limit) and returns false.
func (a *API) readTicketForm(w http.ResponseWriter, r *http.Request, in *ticketCreate, f *apperr.Fields) bool {
	form, err := httpx.ReadForm(r, ticketFormFields...)
	var repeated *httpx.RepeatedError
	switch {
	case errors.As(err, &repeated):
		for _, name := range repeated.Fields {
			f.Add(name, "api.form_repeated")
		}
	case httpx.TooLarge(err):
		w.Header().Set("Connection", "close")
		a.problem(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
		return false
	case errors.Is(err, httpx.ErrFieldTooLarge):
		a.problem(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
		return false
	case err != nil:
		a.problem(w, r, http.StatusBadRequest, "api.form_malformed")
		return false
	}
	for _, name := range form.Unknown {
		f.Add(name, "api.unknown_field")
	}
	if form.Has("photo") {
		in.photo = form.Bytes("photo") // empty when no file was chosen
	}
	if form.Has("comment") {
		in.Comment = text(form.Bytes("comment")) // invalid UTF-8 stays invalid: the domain refuses it
	}
	if s := form.Get("asset_code"); s != "" {
		in.AssetCode = &s
	}
	for _, name := range []string{"asset_id", "problem_type_id"} {
		v := form.Get(name)
		if v == "" || f.Has(name) {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			f.Add(name, "api.id_invalid")
			continue
		}
		if name == "asset_id" {
			in.AssetID = &n
		} else {
			in.ProblemTypeID = &n
		}
	}
	return true
}
