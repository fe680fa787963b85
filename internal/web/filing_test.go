package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// filingOffice is a small office on the real server: department IT with one
// executor (Ivan Petrov), two employees, a printer that offers "Out of paper" (with
// self-help) and "Paper jam", a retired printer, and a rule sending IT equipment to IT.
type filingOffice struct {
	srv                    *testserver.Server
	en                     *i18n.Localizer
	admin, emp, emp2, ivan *users.User
	printer, old           *assets.Asset
	paper, jam, leak       assets.Problem
	deptIT                 users.Department
	classID                int64
	printerType            *assets.Type
}

func newFilingOffice(t *testing.T, dialect db.Dialect) *filingOffice {
	t.Helper()
	return newFilingOfficeWith(t, testserver.Options{Dialect: dialect})
}

// newFilingOfficeWith is newFilingOffice on a server started with opts.
func newFilingOfficeWith(t *testing.T, opts testserver.Options) *filingOffice {
	t.Helper()
	srv := testserver.Start(t, opts)
	ctx := context.Background()
	a := srv.App
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	o := &filingOffice{srv: srv, en: cat.For("en")}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(a.DB.InTx(ctx, func(tx *sql.Tx) error {
		o.deptIT, err = a.Users.CreateDepartmentTx(ctx, tx, users.Department{Code: "it", NameEN: "IT support", NameRU: "ИТ-поддержка"})
		return err
	}))
	mk := func(email, name string, roles []users.Role, deps ...string) *users.User {
		u, err := a.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: name, Roles: roles, DepartmentCodes: deps, Password: acctPassword, Language: "en"})
		check(err)
		return u
	}
	o.admin = mk("admin@office.example", "Ada Admin", []users.Role{users.RoleEmployee, users.RoleAdmin})
	o.emp = mk("emp@office.example", "Emil Employee", []users.Role{users.RoleEmployee})
	o.emp2 = mk("emp2@office.example", "Erna Employee", []users.Role{users.RoleEmployee})
	o.ivan = mk("ivan@office.example", "Ivan Petrov", []users.Role{users.RoleEmployee, users.RoleExecutor}, "it")
	class, err := a.Assets.CreateClass(ctx, o.admin, assets.Names{EN: "IT equipment", RU: "ИТ"})
	check(err)
	o.classID = class.ID
	o.printerType, err = a.Assets.CreateType(ctx, o.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}})
	check(err)
	for _, p := range []*assets.Problem{&o.paper, &o.jam, &o.leak} {
		name := map[*assets.Problem]string{&o.paper: "Out of paper", &o.jam: "Paper jam", &o.leak: "Leaking"}[p]
		*p, err = a.Assets.CreateProblem(ctx, o.admin, assets.Names{EN: name, RU: name + " (ru)"})
		check(err)
	}
	o.printerType, err = a.Assets.SetOffers(ctx, o.admin, o.printerType.ID, []assets.OfferInput{
		{ProblemID: o.paper.ID, SelfHelp: assets.Names{EN: "Paper is in the cupboard under the printer."}}, {ProblemID: o.jam.ID}})
	check(err)
	o.printer, err = a.Assets.CreateAsset(ctx, o.admin, assets.AssetInput{Name: "Printer 3rd floor", TypeID: o.printerType.ID,
		Location: assets.Location{Building: "A", Floor: "3"}})
	check(err)
	o.old, err = a.Assets.CreateAsset(ctx, o.admin, assets.AssetInput{Name: "Old printer", TypeID: o.printerType.ID, Archived: true})
	check(err)
	_, err = tickets.NewRules(a.DB, nil).Create(ctx, o.admin, tickets.RuleInput{ClassID: class.ID, DepartmentID: o.deptIT.ID})
	check(err)
	return o
}

func (o *filingOffice) login(t *testing.T, email string) *loginClient {
	t.Helper()
	c := newLoginClient(t, o.srv.URL)
	if res := c.post(t, "/login", url.Values{"email": {email}, "password": {acctPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, res.StatusCode)
	}
	return c
}

func (o *filingOffice) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := o.srv.App.DB.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// filingForm is what the form posts, in the page's order.
type filingForm struct {
	problem, token, comment string
	photo                   []byte
	photoName               string
}

func (f filingForm) encode(t *testing.T) (contentType string, body []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, kv := range [][2]string{{"problem", f.problem}, {"token", f.token}, {"comment", f.comment}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	name := f.photoName
	if name == "" && f.photo != nil {
		name = "photo.jpg"
	}
	w, err := mw.CreateFormFile("photo", name) // an empty part when no file is chosen, as browsers send
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(f.photo); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// file posts the form to the device's report route; chunked sends it without a
// Content-Length; header adds request headers (the same origin by default).
func (c *loginClient) file(t *testing.T, code string, f filingForm, chunked bool, header ...string) (*http.Response, string) {
	t.Helper()
	ct, body := f.encode(t)
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = io.MultiReader(rd) // hides the length: the client sends chunks
	}
	req, _ := http.NewRequest("POST", c.base+"/a/"+code+"/report", rd)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 128, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var tokenRE = regexp.MustCompile(`name="token" value="([A-Za-z0-9_-]{16,})"`)

// formToken opens the report page and returns the form's idempotency token.
func (c *loginClient) formToken(t *testing.T, code string, problem int64) string {
	t.Helper()
	res, body := c.get(t, fmt.Sprintf("/a/%s/report?problem=%d", code, problem))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("report page: %d", res.StatusCode)
	}
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the report page has no idempotency token")
	}
	return m[1]
}

// fileOK files the form and returns the new ticket's id from the redirect.
func (c *loginClient) fileOK(t *testing.T, code string, f filingForm) int64 {
	t.Helper()
	res, body := c.file(t, code, f, false)
	var id int64
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing: %d, want 303: %s", res.StatusCode, abbrev(body))
	}
	if _, err := fmt.Sscanf(res.Header.Get("Location"), "/tickets/%d/filed", &id); err != nil {
		t.Fatalf("filing redirected to %q", res.Header.Get("Location"))
	}
	return id
}

// TestFilingFromTheDevicePage: the whole filing on the real server, on both
// databases: the form, a photo, a double submit, the confirmation, the photo's
// route and who may read it, and "already reported" for the next person.
func TestFilingFromTheDevicePage(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			emp := o.login(t, "emp@office.example")
			res, page := emp.get(t, fmt.Sprintf("/a/%s/report?problem=%d", o.printer.Code, o.paper.ID))
			wantStatus(t, "report page", res, page, http.StatusOK)
			wantContains(t, "report page", page, o.en.T("filing.try_this"), "Paper is in the cupboard under the printer.",
				`<textarea id="comment" name="comment" maxlength="2000"`, `accept="image/jpeg,image/png,image/webp"`,
				`enctype="multipart/form-data"`, o.en.T("filing.send"))
			// The gallery as well as the camera: no capture attribute forcing the camera.
			wantNotContains(t, "report page", page, `capture=`)
			if i, j := strings.Index(page, "Paper is in the cupboard"), strings.Index(page, `name="comment"`); i < 0 || j < i {
				t.Error("the self-help should come before the form")
			}
			wantNotContains(t, "report page without a duplicate", page, o.en.T("filing.already_reported"))
			token := tokenRE.FindStringSubmatch(page)[1]
			if other := emp.formToken(t, o.printer.Code, o.paper.ID); other == token {
				t.Fatal("two renders of the form share a token")
			}

			// File with a photo; the same form sent again (a double click) files nothing more.
			form := filingForm{problem: fmt.Sprint(o.paper.ID), token: token, comment: "Tray 2 is empty\r\nand tray 1 too", photo: testJPEG(t, 2400, 1200)}
			id := emp.fileOK(t, o.printer.Code, form)
			if again := emp.fileOK(t, o.printer.Code, form); again != id {
				t.Fatalf("the double submit filed %d besides %d", again, id)
			}
			if n := o.count(t, "tickets"); n != 1 {
				t.Fatalf("%d tickets after a double submit", n)
			}
			tk, err := o.srv.App.Tickets.Get(context.Background(), o.emp, id)
			if err != nil || tk.Comment != "Tray 2 is empty\nand tray 1 too" || tk.AssigneeID != o.ivan.ID {
				t.Fatalf("filed %+v (%v)", tk, err)
			}

			res, body := emp.get(t, fmt.Sprintf("/tickets/%d/filed", id))
			wantStatus(t, "confirmation", res, body, http.StatusOK)
			wantContains(t, "confirmation", body, fmt.Sprintf("T-%d", id), "IT support", "Ivan Petrov", o.en.T("filing.filed_photo"),
				fmt.Sprintf(`href="/tickets/%d"`, id), `href="/a/`+o.printer.Code+`"`)

			// The photo: the reporter and the executor read it, a colleague gets the 404.
			for _, who := range []*loginClient{emp, o.login(t, "ivan@office.example")} {
				res, body := who.get(t, fmt.Sprintf("/tickets/%d/photo", id))
				if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" ||
					res.Header.Get("Cache-Control") != "private, no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
					t.Fatalf("photo: %d %v", res.StatusCode, res.Header)
				}
				cfg, err := jpeg.DecodeConfig(strings.NewReader(body))
				if err != nil || cfg.Width != 1600 || cfg.Height != 800 {
					t.Fatalf("the served photo: %+v %v", cfg, err)
				}
			}
			emp2 := o.login(t, "emp2@office.example")
			for _, path := range []string{fmt.Sprintf("/tickets/%d/photo", id), fmt.Sprintf("/tickets/%d/photo", id+1), "/tickets/abc/photo",
				fmt.Sprintf("/tickets/%d/filed", id)} {
				res, body := emp2.get(t, path)
				wantStatus(t, "a colleague's "+path, res, body, http.StatusNotFound)
				wantContains(t, "a colleague's "+path, body, o.en.T("error.not_found_title"))
			}

			// The next person sees it on the device page and on the form, with "me too".
			res, body = emp2.get(t, "/a/"+o.printer.Code)
			wantStatus(t, "device page", res, body, http.StatusOK)
			wantContains(t, "device page", body, o.en.T("filing.reported_title"), fmt.Sprintf("T-%d", id), "Out of paper",
				html.EscapeString(o.en.T("filing.on_it", "Name", "Ivan Petrov")), o.en.T("filing.reported", "Ago", o.en.T("filing.ago_now")),
				fmt.Sprintf(`action="/tickets/%d/follow"`, id), `name="next" value="/a/`+o.printer.Code+`"`, o.en.T("filing.me_too"),
				`name="code" value="`+o.printer.Code+`"`)
			wantNotContains(t, "device page", body, "Tray 2 is empty", "Emil Employee") // nothing of the reporter's
			res, body = emp2.get(t, fmt.Sprintf("/a/%s/report?problem=%d", o.printer.Code, o.paper.ID))
			wantStatus(t, "form with a duplicate", res, body, http.StatusOK)
			wantContains(t, "form with a duplicate", body, o.en.T("filing.already_reported"), o.en.T("filing.me_too_main"),
				`<details class="file-anyway">`, o.en.T("filing.file_anyway"), `name="code" value="`+o.printer.Code+`"`)
			if i, j := strings.Index(body, o.en.T("filing.me_too_main")), strings.Index(body, `name="comment"`); j < i {
				t.Error("me too should come before the form")
			}
			// Another problem on the same device has no duplicate.
			_, body = emp2.get(t, fmt.Sprintf("/a/%s/report?problem=%d", o.printer.Code, o.jam.ID))
			wantNotContains(t, "another problem", body, o.en.T("filing.already_reported"))

			// The reporter already follows; so does emp2 after "me too".
			_, body = emp.get(t, "/a/"+o.printer.Code)
			wantContains(t, "the reporter's device page", body, o.en.T("filing.you_follow"))
			// "Me too" needs the device's code: a guessed id alone is the 404 of an absent ticket.
			res = emp2.post(t, fmt.Sprintf("/tickets/%d/follow", id), url.Values{"next": {"/a/" + o.printer.Code}})
			wantStatus(t, "me too without the code", res, "", http.StatusNotFound)
			res = emp2.post(t, fmt.Sprintf("/tickets/%d/follow", id), url.Values{"next": {"/a/" + o.printer.Code}, "code": {o.old.Code}})
			wantStatus(t, "me too with another device's code", res, "", http.StatusNotFound)
			res = emp2.post(t, fmt.Sprintf("/tickets/%d/follow", id), url.Values{"next": {"/a/" + o.printer.Code}, "code": {o.printer.Code}})
			wantRedirect(t, "me too", res, "/a/"+o.printer.Code)
			_, body = emp2.get(t, "/a/"+o.printer.Code)
			wantContains(t, "after me too", body, o.en.T("filing.you_follow"))
			wantNotContains(t, "after me too", body, fmt.Sprintf(`action="/tickets/%d/follow"`, id))
			// The follower sees the ticket, not the reporter's photo, comment or name.
			res, _ = emp2.get(t, fmt.Sprintf("/tickets/%d/photo", id))
			wantStatus(t, "the follower's photo", res, "", http.StatusNotFound)
			res, body = emp2.get(t, fmt.Sprintf("/tickets/%d", id))
			wantStatus(t, "the follower's ticket page", res, body, http.StatusOK)
			wantContains(t, "the follower's ticket page", body, fmt.Sprintf("T-%d", id), "Out of paper", o.en.T("follow.limited"))
			wantNotContains(t, "the follower's ticket page", body, "Tray 2 is empty", "Emil Employee", fmt.Sprintf("/tickets/%d/photo", id),
				`action="/tickets/`+fmt.Sprint(id)+`/comment"`)
			res = emp2.post(t, fmt.Sprintf("/tickets/%d/comment", id), url.Values{"text": {"me too, desk 5"}})
			wantStatus(t, "the follower's comment", res, "", http.StatusForbidden)
		})
	}
}

// TestFilingRefusals: what the filing route refuses, and how it says so.
func TestFilingRefusals(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			emp := o.login(t, "emp@office.example")
			paper := fmt.Sprint(o.paper.ID)
			svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)

			res, body := emp.file(t, o.old.Code, filingForm{problem: paper}, false)
			wantStatus(t, "an archived device", res, body, http.StatusConflict)
			wantContains(t, "an archived device", body, o.en.T("filing.archived_title"), o.en.T("ticket.asset_archived"))

			res, body = emp.file(t, o.printer.Code, filingForm{problem: fmt.Sprint(o.leak.ID)}, false)
			wantStatus(t, "a problem not offered", res, body, http.StatusNotFound)
			res, body = emp.file(t, o.printer.Code, filingForm{problem: "abc"}, false)
			wantStatus(t, "a malformed problem", res, body, http.StatusNotFound)
			res, body = emp.file(t, "aaaaaaaaaaaaaaaa", filingForm{problem: paper}, false)
			wantStatus(t, "an unknown device", res, body, http.StatusNotFound)

			long := strings.Repeat("ж", 2001)
			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, token: "tok-long-comment-1", comment: long, photo: testJPEG(t, 64, 64)}, false)
			wantStatus(t, "a 2,001-character comment", res, body, http.StatusUnprocessableEntity)
			wantContains(t, "a 2,001-character comment", body, html.EscapeString(o.en.T("ticket.text_too_long", "Max", 2000)), long,
				o.en.T("filing.photo_again"), `aria-describedby="comment-err"`, `name="token" value="tok-long-comment-1"`)

			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, comment: "bad \xff byte"}, false)
			wantStatus(t, "invalid UTF-8", res, body, http.StatusUnprocessableEntity)
			wantContains(t, "invalid UTF-8", body, html.EscapeString(o.en.T("ticket.text_invalid")), "bad \uFFFD byte")

			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, comment: "see picture", photo: svg, photoName: "photo.svg"}, false)
			wantStatus(t, "an SVG", res, body, http.StatusUnprocessableEntity)
			wantContains(t, "an SVG", body, html.EscapeString(o.en.T("ticket.photo_format")), "see picture", `aria-describedby="photo-err"`)
			wantNotContains(t, "an SVG", body, o.en.T("filing.photo_again"))
			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, photo: []byte("<html><script>alert(1)</script></html>"), photoName: "cat.jpg"}, false)
			wantStatus(t, "HTML named .jpg", res, body, http.StatusUnprocessableEntity)

			// 12 MiB: refused at once from the declared length, and while reading when
			// the length is not declared; then the comment read so far is kept.
			big := bytes.Repeat([]byte{0xFF}, 12<<20)
			// (Refused before the session is read: the language comes from the browser.)
			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, comment: "huge one", photo: big}, false, "Accept-Language", "en")
			wantStatus(t, "12 MiB", res, body, http.StatusRequestEntityTooLarge)
			wantContains(t, "12 MiB", body, o.en.T("filing.photo_too_big_title"))
			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, comment: "huge one", photo: big}, true)
			wantStatus(t, "12 MiB chunked", res, body, http.StatusRequestEntityTooLarge)
			wantContains(t, "12 MiB chunked", body, html.EscapeString(o.en.T("ticket.photo_too_large", "MaxMB", 10)), "huge one")
			// Over the photo's 10 MiB but under the form's 11 MiB: the domain's TooLarge.
			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, comment: "just over", photo: big[:10<<20+1]}, false)
			wantStatus(t, "10 MiB + 1", res, body, http.StatusRequestEntityTooLarge)
			wantContains(t, "10 MiB + 1", body, html.EscapeString(o.en.T("ticket.photo_too_large", "MaxMB", 10)), "just over")

			// The larger limit is the filing form's only: 2 MiB elsewhere is refused.
			ct, twoMiB := filingForm{problem: paper, photo: big[:2<<20]}.encode(t)
			req, _ := http.NewRequest("POST", o.srv.URL+"/a/"+o.printer.Code+"/report/x", bytes.NewReader(twoMiB))
			req.Header.Set("Content-Type", ct)
			if res, err := emp.Do(req); err != nil || res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("2 MiB to another route: %v %v", res, err)
			}
			// Another site's form is refused before anything is read.
			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper}, false, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
			wantStatus(t, "cross-origin", res, body, http.StatusForbidden)
			// Not a multipart form.
			res = emp.post(t, "/a/"+o.printer.Code+"/report", url.Values{"problem": {paper}})
			wantStatus(t, "a urlencoded form", res, "", http.StatusBadRequest)
			// Logged out: to the login page.
			res, _ = newLoginClient(t, o.srv.URL).file(t, o.printer.Code, filingForm{problem: paper}, false)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Fatalf("logged out: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			for _, table := range []string{"tickets", "ticket_events", "ticket_photos", "ticket_idempotency"} {
				if n := o.count(t, table); n != 0 {
					t.Errorf("%d rows in %s after refused filings", n, table)
				}
			}

			// The same token with another request after a success: the page says so and
			// hands out a fresh token.
			id := emp.fileOK(t, o.printer.Code, filingForm{problem: paper, token: "tok-reused-token-1", comment: "first"})
			res, body = emp.file(t, o.printer.Code, filingForm{problem: paper, token: "tok-reused-token-1", comment: "second"}, false)
			wantStatus(t, "a reused token", res, body, http.StatusConflict)
			wantContains(t, "a reused token", body, html.EscapeString(o.en.T("ticket.idempotency_mismatch")), "second")
			wantNotContains(t, "a reused token", body, `value="tok-reused-token-1"`)
			if n := o.count(t, "tickets"); n != 1 {
				t.Fatalf("%d tickets, want only %d", n, id)
			}
		})
	}
}
