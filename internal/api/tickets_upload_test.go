package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// formPart is one part of a multipart/form-data body; a file part has a file name.
type formPart struct {
	name, filename, contentType string
	body                        []byte
}

func field(name, value string) formPart { return formPart{name: name, body: []byte(value)} }

func file(name, filename, contentType string, body []byte) formPart {
	return formPart{name: name, filename: filename, contentType: contentType, body: body}
}

// multipartBody encodes parts as a browser or curl -F would; it returns the body and
// its Content-Type (with the boundary).
func multipartBody(t testing.TB, parts ...formPart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			h.Set("Content-Type", p.contentType)
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// testPNG is a w×h picture with a red left half, as a PNG.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postForm files through the API with a multipart body.
func (o *office) postForm(token string, parts []formPart, opts ...opt) *result {
	o.t.Helper()
	body, ct := multipartBody(o.t, parts...)
	return o.do("POST", "/api/v1/tickets", token, body, append([]opt{header("Content-Type", ct)}, opts...)...)
}

func TestTicketsFileWithPhoto(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		pic := testPNG(t, 64, 48)
		asset, problem := field("asset_id", itoa(o.pr.ID)), field("problem_type_id", itoa(o.jam.ID))

		// A real PNG: filed, and served back as a JPEG the server made, the same
		// picture (red on the left, blue on the right), to those who see the ticket.
		res := o.postForm(o.tAnn, []formPart{asset, problem, field("comment", "Jam, see photo"), file("photo", "jam.png", "image/png", pic)}).want(201)
		id := res.num("id")
		if res.obj["has_photo"] != true || res.str("comment") != "Jam, see photo" || idOf(res.sub("assignee")) != o.execF.ID ||
			res.header.Get("Location") != path("/api/v1/tickets/%d", id) {
			t.Errorf("filed with a photo: %s", res.body)
		}
		photo := o.do("GET", path("/api/v1/tickets/%d/photo", id), o.tExecF, nil).want(200)
		img, err := jpeg.Decode(bytes.NewReader(photo.body))
		if err != nil || photo.header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("the photo served: %v %v", photo.header, err)
		}
		if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 48 {
			t.Errorf("photo of %v", b)
		}
		if r, _, bl, _ := img.At(5, 24).RGBA(); r>>8 < 200 || bl>>8 > 60 {
			t.Errorf("left is not red: %d %d", r>>8, bl>>8)
		}
		if r, _, bl, _ := img.At(58, 24).RGBA(); bl>>8 < 200 || r>>8 > 60 {
			t.Errorf("right is not blue: %d %d", r>>8, bl>>8)
		}
		o.do("GET", path("/api/v1/tickets/%d/photo", id), o.tBob, nil).want(404)
		o.do("GET", path("/api/v1/tickets/%d/photo", id), o.tExec1, nil).want(404)

		// By the label's code, the part's declared type and name ignored (the bytes
		// are a PNG); an empty photo part (no file chosen) is no photo.
		res = o.postForm(o.tBob, []formPart{field("asset_code", o.pr.Code), field("asset_id", ""), problem, file("photo", "IMG_0001.HEIC", "application/octet-stream", pic)}).want(201)
		if res.obj["has_photo"] != true || idOf(res.sub("asset")) != o.pr.ID {
			t.Errorf("by code: %s", res.body)
		}
		res = o.postForm(o.tBob, []formPart{asset, field("problem_type_id", itoa(o.paper.ID)), file("photo", "", "", nil)}).want(201)
		if res.obj["has_photo"] != false {
			t.Errorf("an empty photo part: %s", res.body)
		}
		o.do("GET", path("/api/v1/tickets/%d/photo", res.num("id")), o.tBob, nil).want(404)

		// Refused photos name the photo; nothing is filed.
		n := o.count("tickets")
		html := []byte("<!doctype html><html><body><script>alert(1)</script></body></html>")
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`)
		o.postForm(o.tAnn, []formPart{asset, problem, file("photo", "photo.jpg", "image/jpeg", html)}).wantFieldError("photo")
		o.postForm(o.tAnn, []formPart{asset, problem, file("photo", "photo.svg", "image/svg+xml", svg)}).wantFieldError("photo")
		o.postForm(o.tAnn, []formPart{asset, problem, file("photo", "cut.png", "image/png", pic[:len(pic)/2])}).wantFieldError("photo")
		// One byte over the limit: 413 naming the photo (the body itself is not
		// limited in this test, so the domain sees the whole file).
		big := append(bytes.Clone(pic), make([]byte, tickets.MaxPhotoBytes+1-len(pic))...)
		if tl := o.postForm(o.tAnn, []formPart{asset, problem, file("photo", "big.png", "image/png", big)}).want(413); !slices.Contains(tl.fields(), "photo") {
			t.Errorf("413 without the field: %s", tl.body)
		}
		if got := o.count("tickets"); got != n {
			t.Errorf("refused photos filed %d tickets", got-n)
		}

		// The form's own errors, as for JSON bodies: each field by name.
		o.postForm(o.tAnn, []formPart{field("asset_id", "abc"), problem}).wantFieldError("asset_id")
		o.postForm(o.tAnn, []formPart{field("asset_id", "-1"), problem}).wantFieldError("asset_id")
		o.postForm(o.tAnn, []formPart{problem}).wantFieldError("asset_id")
		o.postForm(o.tAnn, []formPart{asset, field("asset_code", o.pr.Code), problem}).wantFieldError("asset_code")
		o.postForm(o.tAnn, []formPart{asset}).wantFieldError("problem_type_id")
		o.postForm(o.tAnn, []formPart{asset, field("problem_type_id", "1.5")}).wantFieldError("problem_type_id")
		o.postForm(o.tAnn, []formPart{asset, field("problem_type_id", itoa(o.coffee.ID))}).wantFieldError("problem_type_id")
		o.postForm(o.tAnn, []formPart{asset, problem, field("status", "done")}).wantFieldError("status")
		o.postForm(o.tAnn, []formPart{asset, problem, field("comment", "a"), field("comment", "b")}).wantFieldError("comment")
		o.postForm(o.tAnn, []formPart{asset, problem, field("comment", strings.Repeat("é", 2001))}).wantFieldError("comment")
		o.postForm(o.tAnn, []formPart{asset, problem, field("comment", strings.Repeat("ж", 40<<10))}).wantFieldError("comment")
		o.postForm(o.tAnn, []formPart{asset, problem, field("comment", "bad \xff\xfe")}).wantFieldError("comment")
		o.postForm(o.tAnn, []formPart{field("asset_code", "aaaaaaaaaaaaaaaa"), problem}).want(404)
		o.postForm(o.tAnn, []formPart{field("asset_id", itoa(o.bobsLaptop.ID)), problem}).want(404)
		o.postForm(o.tAnn, []formPart{field("asset_id", itoa(o.archived.ID)), problem}).want(409)
		o.postForm("", []formPart{asset, problem}).want(401)
		// Bodies that are not a readable form: 400; other media types 415.
		body, ct := multipartBody(t, asset, problem)
		o.do("POST", "/api/v1/tickets", o.tAnn, body, header("Content-Type", "multipart/form-data")).want(400)
		o.do("POST", "/api/v1/tickets", o.tAnn, body[:len(body)-10], header("Content-Type", ct)).want(400)
		o.do("POST", "/api/v1/tickets", o.tAnn, body, header("Content-Type", strings.Replace(ct, "form-data", "mixed", 1))).want(415)
		noName := "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"
		o.do("POST", "/api/v1/tickets", o.tAnn, noName, header("Content-Type", "multipart/form-data; boundary=b")).want(400)
		var many []formPart
		for i := 0; i < 20; i++ {
			many = append(many, field(fmt.Sprintf("f%d", i), "x"))
		}
		o.postForm(o.tAnn, many).want(400)
		if got := o.count("tickets"); got != n {
			t.Errorf("refused forms filed %d tickets", got-n)
		}

		// A body past the server's limit, as the web server cuts it: 413.
		o.maxBody = 64 << 10
		o.postForm(o.tAnn, []formPart{asset, problem, file("photo", "big.png", "image/png", make([]byte, 100<<10))}).want(413)
		o.maxBody = 0
	})
}

// TestTicketsIdempotentFilingWithPhoto: a repeat of a multipart filing with the
// same Idempotency-Key and the same bytes answers the first ticket; other bytes
// under the same key are another request (409).
func TestTicketsIdempotentFilingWithPhoto(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		key := header("Idempotency-Key", "photo-1")
		parts := func(pic []byte) []formPart {
			return []formPart{field("asset_id", itoa(o.pr.ID)), field("problem_type_id", itoa(o.jam.ID)), field("comment", "Jam"),
				file("photo", "jam.png", "image/png", pic)}
		}
		first := o.postForm(o.tAnn, parts(testPNG(t, 20, 20)), key).want(201)
		n, photos := o.count("tickets"), o.count("ticket_photos")
		again := o.postForm(o.tAnn, parts(testPNG(t, 20, 20)), key).want(201)
		if again.num("id") != first.num("id") || o.count("tickets") != n || o.count("ticket_photos") != photos {
			t.Errorf("the repeat filed again: %d, first %d", again.num("id"), first.num("id"))
		}
		o.postForm(o.tAnn, parts(testPNG(t, 20, 21)), key).want(409)
		// The same fields as JSON, without the photo, are another request too.
		o.do("POST", "/api/v1/tickets", o.tAnn, map[string]any{"asset_id": o.pr.ID, "problem_type_id": o.jam.ID, "comment": "Jam"}, key).want(409)
		if o.count("tickets") != n {
			t.Errorf("conflicts filed %d tickets", o.count("tickets")-n)
		}
	})
}
