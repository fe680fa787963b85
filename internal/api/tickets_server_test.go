package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// liveOffice is a real Smart Service (app.New and Serve, as production runs it)
// with a printer routed to IT support, an executor who is away, and an employee.
type liveOffice struct {
	t    *testing.T
	srv  *testserver.Server
	exec *users.User
	pr   *assets.Asset
	jam  assets.Problem
}

func startLiveOffice(t *testing.T, dialect db.Dialect) *liveOffice {
	t.Helper()
	loadSpec(t)
	srv := testserver.Start(t, testserver.Options{Dialect: dialect})
	ctx := context.Background()
	app := srv.App
	create := func(email string, roles []users.Role, deps ...string) *users.User {
		u, err := app.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Person " + email, Roles: roles,
			DepartmentCodes: deps, Password: password, Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	root := create("root@example.com", admin)
	dep, err := app.Accounts.CreateDepartment(ctx, root, users.DepartmentInput{Code: "itsup", NameEN: "IT support"})
	if err != nil {
		t.Fatal(err)
	}
	exec := create("exec@example.com", []users.Role{users.RoleEmployee, users.RoleExecutor}, "itsup")
	off := false
	if _, err := app.Accounts.UpdateUser(ctx, root, exec.ID, users.UserPatch{Available: &off}); err != nil {
		t.Fatal(err)
	}
	create("ann@example.com", employee)
	cls, err := app.Assets.CreateClass(ctx, root, assets.Names{EN: "IT equipment"})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := app.Assets.CreateType(ctx, root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Printer"}})
	if err != nil {
		t.Fatal(err)
	}
	jam, err := app.Assets.CreateProblem(ctx, root, assets.Names{EN: "Paper jam"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Assets.SetOffers(ctx, root, typ.ID, []assets.OfferInput{{ProblemID: jam.ID}}); err != nil {
		t.Fatal(err)
	}
	pr, err := app.Assets.CreateAsset(ctx, root, assets.AssetInput{Name: "Printer", TypeID: typ.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.NewRules(app.DB, nil).Create(ctx, root, tickets.RuleInput{ClassID: cls.ID, DepartmentID: dep.ID}); err != nil {
		t.Fatal(err)
	}
	return &liveOffice{t: t, srv: srv, exec: exec, pr: pr, jam: jam}
}

// sendRaw sends body (nil: none) of the given type and length (-1: unknown, so
// sent chunked) and checks the answer against the OpenAPI document.
func (l *liveOffice) sendRaw(method, p, token string, body io.Reader, contentType string, length int64, hdr ...string) *result {
	t := l.t
	t.Helper()
	req, err := http.NewRequest(method, l.srv.URL+p, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
		req.ContentLength = length
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	res := &result{t: t, status: resp.StatusCode, header: resp.Header, body: b}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		_ = json.Unmarshal(b, &res.obj)
	}
	checkAnswer(t, method, p, res)
	return res
}

// send sends body (nil: none) as JSON.
func (l *liveOffice) send(method, p, token string, body any, hdr ...string) *result {
	l.t.Helper()
	if body == nil {
		return l.sendRaw(method, p, token, nil, "", 0, hdr...)
	}
	b, _ := json.Marshal(body)
	return l.sendRaw(method, p, token, bytes.NewReader(b), "application/json", int64(len(b)), hdr...)
}

func (l *liveOffice) login(email string) string {
	l.t.Helper()
	return l.send("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}).want(200).str("token")
}

// TestTicketsThroughTheRealServer runs the tickets API in the application as
// production builds it (app.New wires the tickets service into the API), over
// HTTP: filing twice with one Idempotency-Key, reading, taking, the history and
// the journal.
func TestTicketsThroughTheRealServer(t *testing.T) {
	t.Parallel()
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			l := startLiveOffice(t, dialect)
			app, ctx, send, pr, jam, exec := l.srv.App, context.Background(), l.send, l.pr, l.jam, l.exec
			ann, ex := l.login("ann@example.com"), l.login("exec@example.com")

			body := map[string]any{"asset_code": pr.Code, "problem_type_id": jam.ID, "comment": "Jammed"}
			first := send("POST", "/api/v1/tickets", ann, body, "Idempotency-Key", "k-1").want(201)
			again := send("POST", "/api/v1/tickets", ann, body, "Idempotency-Key", "k-1").want(201)
			id := first.num("id")
			if again.num("id") != id || first.str("status") != "new" || first.sub("department")["name"] != "IT support" {
				t.Fatalf("filed %s, then %s", first.body, again.body)
			}
			var n int
			if err := app.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM tickets").Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d tickets (%v)", n, err)
			}
			read := send("GET", path("/api/v1/tickets/%d", id), ann, nil).want(200)
			if read.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("the web server's headers are missing")
			}
			// The filing's answer is made from what it read and wrote (the catalogue's
			// names from the caches under this request's version), not read back: it
			// must say what a read says.
			for k, v := range first.obj {
				if !reflect.DeepEqual(read.obj[k], v) {
					t.Errorf("the filing answered %s = %v, a read gives %v", k, v, read.obj[k])
				}
			}
			if got := send("POST", path("/api/v1/tickets/%d/take", id), ex, nil).want(200); idOf(got.sub("assignee")) != exec.ID {
				t.Errorf("taken: %s", got.body)
			}
			send("POST", path("/api/v1/tickets/%d/take", id), ex, nil).want(409)
			if ev := send("GET", path("/api/v1/tickets/%d/events", id), ann, nil).want(200).items(); len(ev) != 3 || ev[2]["kind"] != "taken" {
				t.Errorf("events: %v", ev)
			}
			if items := send("GET", "/api/v1/tickets?status=assigned&q=jammed", ex, nil).want(200).items(); len(items) != 1 || idOf(items[0]) != id {
				t.Errorf("journal: %v", items)
			}
			send("GET", "/api/v1/tickets/counts?created_from=2000-01-01", ex, nil).want(200)
		})
	}
}

// noisePNG is a PNG of random pixels, which no compressor can shrink, so a
// picture of a few megapixels makes a file of about 4 bytes per pixel.
func noisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rand.NewChaCha8([32]byte{5}).Read(img.Pix)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTicketPhotoUploadThroughTheRealServer files with a photo as a phone app
// would, through the web server's middleware: the body limit of the API's filing
// route is the upload limit (SMARTSERVICE_MAX_UPLOAD_BYTES), not the 1 MB of every
// other body, so a photo of exactly tickets.MaxPhotoBytes gets through; a 12 MB
// body gets a 413 problem, declared or streamed.
func TestTicketPhotoUploadThroughTheRealServer(t *testing.T) {
	t.Parallel()
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			l := startLiveOffice(t, dialect)
			ann := l.login("ann@example.com")
			if c := l.srv.App.Config; c.MaxUploadBytes <= tickets.MaxPhotoBytes || c.MaxBodyBytes >= tickets.MaxPhotoBytes {
				t.Fatalf("limits: upload %d, body %d: the test proves nothing", c.MaxUploadBytes, c.MaxBodyBytes)
			}
			// 1600×1600 pixels of noise, a real PNG of about 10.25 MB, padded after
			// its end to exactly the largest photo accepted.
			pic := noisePNG(t, 1600, 1600)
			if len(pic) > tickets.MaxPhotoBytes {
				t.Fatalf("the noise PNG is %d bytes, over the limit", len(pic))
			}
			pic = append(pic, make([]byte, tickets.MaxPhotoBytes-len(pic))...)
			fields := []formPart{field("asset_code", l.pr.Code), field("problem_type_id", itoa(l.jam.ID)), field("comment", "Photo attached")}
			body, ct := multipartBody(t, append(fields, file("photo", "IMG_2041.png", "image/png", pic))...)
			// post sends a form body with its length declared, or chunked (length -1).
			post := func(body []byte, ct string, length int64, hdr ...string) *result {
				t.Helper()
				var rd io.Reader = bytes.NewReader(body)
				if length < 0 {
					rd = io.MultiReader(rd) // hides the length from the client
				}
				return l.sendRaw("POST", "/api/v1/tickets", ann, rd, ct, length, hdr...)
			}

			res := post(body, ct, int64(len(body)), "Idempotency-Key", "big-1").want(201)
			id := res.num("id")
			if res.obj["has_photo"] != true || res.str("comment") != "Photo attached" {
				t.Errorf("filed: %s", res.body)
			}
			if again := post(body, ct, -1, "Idempotency-Key", "big-1").want(201); again.num("id") != id {
				t.Errorf("the streamed repeat filed %d, first %d", again.num("id"), id)
			}
			photo := l.sendRaw("GET", path("/api/v1/tickets/%d/photo", id), ann, nil, "", 0).want(200)
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(photo.body))
			if err != nil || cfg.Width != 1600 || cfg.Height != 1600 || photo.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("the photo served: %v %+v %v", err, cfg, photo.header)
			}

			// 12 MB: refused before the API when the length is declared, by the API
			// when the body streams past the limit; a problem either way, nothing filed.
			count := func() int {
				t.Helper()
				var n int
				if err := l.srv.App.DB.R.QueryRow("SELECT COUNT(*) FROM tickets").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := count()
			huge, hct := multipartBody(t, append(fields, file("photo", "huge.png", "image/png", append(bytes.Clone(pic), make([]byte, 12<<20-len(pic))...)))...)
			post(huge, hct, int64(len(huge))).want(413)
			post(huge, hct, -1).want(413)
			if got := count(); got != before {
				t.Errorf("oversized bodies filed %d tickets", got-before)
			}
		})
	}
}
