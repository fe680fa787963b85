package tickets_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestFiling runs the filing cases (photos, idempotency, the search column, "me
// too") on SQLite and PostgreSQL. Run one with -run 'TestFiling/sqlite/Photo'.
func TestFiling(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		for _, c := range []struct {
			name string
			fn   func(t *testing.T, e *tenv)
		}{
			{"PhotoFormats", testPhotoFormats},
			{"PhotoOrientation", testPhotoOrientation},
			{"PhotoRefused", testPhotoRefused},
			{"PhotoScoping", testPhotoScoping},
			{"IdempotentReplay", testIdempotentReplay},
			{"IdempotencyKeys", testIdempotencyKeys},
			{"IdempotentTwins", testIdempotentTwins},
			{"SearchColumn", testSearchColumn},
			{"MeToo", testMeToo},
			{"OpenOnAsset", testOpenOnAsset},
		} {
			t.Run(c.name, func(t *testing.T) {
				emptyTicketsDB(t, d)
				t.Cleanup(func() { emptyTicketsDB(t, d) })
				c.fn(t, newTenv(t, d, acc))
			})
		}
	})
}

// fileWith files a paper ticket by emp on the printer with the photo and key.
func (e *tenv) fileWith(photo []byte, key string) (*tickets.Ticket, error) {
	return e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: "see the photo", Photo: photo, IdempotencyKey: key})
}

// updatePrinter changes the printer as an admin would.
func (e *tenv) updatePrinter(t *testing.T, change func(in *assets.AssetInput)) {
	t.Helper()
	p := e.printer
	in := assets.AssetInput{Name: p.Name, TypeID: p.TypeID, InventoryNumber: p.InventoryNumber, Location: p.Location,
		Instructions: p.Instructions, OwnerID: p.OwnerID, Archived: p.Archived}
	change(&in)
	e.printer = must(e.cat.UpdateAsset(e.ctx, e.admin, p.ID, in))(t)
}

// count returns the number of rows of a table.
func (e *tenv) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.d.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// storedPhoto decodes the ticket's stored photo, checking it is a clean JPEG.
func (e *tenv) storedPhoto(t *testing.T, id int64) (*tickets.Photo, image.Image) {
	t.Helper()
	p := must(e.svc.Photo(e.ctx, e.emp, id))(t)
	if p.ContentType != "image/jpeg" {
		t.Fatalf("content type %q", p.ContentType)
	}
	img, err := jpeg.Decode(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatalf("the stored photo is not a JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != p.Width || b.Dy() != p.Height {
		t.Fatalf("stored %dx%d, recorded %dx%d", b.Dx(), b.Dy(), p.Width, p.Height)
	}
	// Re-encoded by the server: no EXIF block (APP1) survives.
	if bytes.Contains(p.Data, []byte("Exif\x00\x00")) || bytes.Contains(p.Data, []byte("GPS")) {
		t.Fatal("the stored photo kept metadata")
	}
	return p, img
}

func testPhotoFormats(t *testing.T, e *tenv) {
	// A large JPEG is scaled to 1600 on its long side, keeping its proportions.
	big := must(e.fileWith(jpegOf(t, halves(3200, 1800)), ""))(t)
	p, img := e.storedPhoto(t, big.ID)
	if p.Width != 1600 || p.Height != 900 {
		t.Fatalf("JPEG stored at %dx%d, want 1600x900", p.Width, p.Height)
	}
	if !colourAt(img, 10, 450, red) || !colourAt(img, 1590, 450, blue) {
		t.Fatal("the scaled JPEG lost its picture")
	}
	// A portrait PNG with transparency: scaled on its height, transparent becomes white.
	portrait := halves(500, 2000)
	for y := 0; y < 100; y++ {
		for x := 0; x < 500; x++ {
			portrait.SetNRGBA(x, y, color.NRGBA{})
		}
	}
	png := must(e.fileWith(pngOf(t, portrait), ""))(t)
	p, img = e.storedPhoto(t, png.ID)
	if p.Width != 400 || p.Height != 1600 {
		t.Fatalf("PNG stored at %dx%d, want 400x1600", p.Width, p.Height)
	}
	if !colourAt(img, 200, 10, color.NRGBA{R: 255, G: 255, B: 255}) || !colourAt(img, 10, 800, red) || !colourAt(img, 390, 800, blue) {
		t.Fatal("the PNG's transparency or picture is wrong")
	}
	// A lossless WebP, small enough to keep its size.
	webp := losslessWebP(t, halves(64, 48))
	wt := must(e.fileWith(webp, ""))(t)
	p, img = e.storedPhoto(t, wt.ID)
	if p.Width != 64 || p.Height != 48 || !colourAt(img, 8, 24, red) || !colourAt(img, 56, 24, blue) {
		t.Fatalf("WebP stored at %dx%d or its picture is wrong", p.Width, p.Height)
	}
	// No photo: none stored.
	none := must(e.fileWith(nil, ""))(t)
	wantErr(t, first(e.svc.Photo(e.ctx, e.emp, none.ID)), apperr.NotFound, "")
	if n := e.count(t, "ticket_photos"); n != 3 {
		t.Fatalf("%d photos stored, want 3", n)
	}
}

func testPhotoOrientation(t *testing.T, e *tenv) {
	// The camera stored the picture lying on its side (red left, blue right) and
	// says "rotate 90° clockwise" (6): upright, red is on top and blue below.
	cases := []struct {
		o                   uint16
		w, h                int
		first, second       [2]int // where red, then blue, must be
		firstName, scndName string
	}{
		{1, 80, 40, [2]int{5, 20}, [2]int{75, 20}, "left", "right"},
		{3, 80, 40, [2]int{75, 20}, [2]int{5, 20}, "right", "left"},
		{6, 40, 80, [2]int{20, 5}, [2]int{20, 75}, "top", "bottom"},
		{8, 40, 80, [2]int{20, 75}, [2]int{20, 5}, "bottom", "top"},
		{2, 80, 40, [2]int{75, 20}, [2]int{5, 20}, "right", "left"},
	}
	for _, c := range cases {
		tk := must(e.fileWith(withOrientation(jpegOf(t, halves(80, 40)), c.o), ""))(t)
		p, img := e.storedPhoto(t, tk.ID)
		if p.Width != c.w || p.Height != c.h {
			t.Fatalf("orientation %d: stored %dx%d, want %dx%d", c.o, p.Width, p.Height, c.w, c.h)
		}
		if !colourAt(img, c.first[0], c.first[1], red) || !colourAt(img, c.second[0], c.second[1], blue) {
			t.Fatalf("orientation %d: red should be %s and blue %s", c.o, c.firstName, c.scndName)
		}
	}
}

func testPhotoRefused(t *testing.T, e *tenv) {
	good := jpegOf(t, halves(64, 48))
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>`)
	html := []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>") // "photo.jpg"
	huge := make([]byte, tickets.MaxPhotoBytes+1)
	copy(huge, good)
	cases := []struct {
		name  string
		photo []byte
		code  apperr.Code
		key   string
	}{
		{"an SVG", svg, apperr.Invalid, "ticket.photo_format"},
		{"HTML named .jpg", html, apperr.Invalid, "ticket.photo_format"},
		{"a zip", zipOf(t, "photo.jpg", good), apperr.Invalid, "ticket.photo_format"},
		{"a GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), apperr.Invalid, "ticket.photo_format"},
		{"a 20000x20000 PNG header bomb", pngHeader(20000, 20000), apperr.Invalid, "ticket.photo_too_many_pixels"},
		{"48 megapixels", pngHeader(8000, 6000), apperr.Invalid, "ticket.photo_too_many_pixels"},
		{"a strip 13000 wide", pngHeader(13000, 10), apperr.Invalid, "ticket.photo_too_many_pixels"},
		{"a truncated JPEG", good[:len(good)/2], apperr.Invalid, "ticket.photo_damaged"},
		{"JPEG magic, then garbage", append([]byte{0xFF, 0xD8, 0xFF}, bytes.Repeat([]byte{0x42}, 500)...), apperr.Invalid, "ticket.photo_damaged"},
		{"a PNG header without data", pngHeader(100, 100), apperr.Invalid, "ticket.photo_damaged"},
		{"over 10 MiB", huge, apperr.TooLarge, "ticket.photo_too_large"},
	}
	for _, c := range cases {
		_, err := e.fileWith(c.photo, "")
		ae := apperr.As(err)
		if ae == nil || ae.Code != c.code || len(ae.Fields) != 1 || ae.Fields[0].Field != "photo" || ae.Fields[0].Key != c.key {
			t.Errorf("%s: got %v, want %s on photo with %s", c.name, err, c.code, c.key)
		}
	}
	// The comment's error and the photo's come together, so a form shows both.
	_, err := e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: strings.Repeat("x", 2001), Photo: svg})
	if ae := wantErr(t, err, apperr.Invalid, ""); len(ae.Fields) != 1 || ae.Fields[0].Field != "comment" {
		t.Fatalf("a long comment with an SVG: %+v (the comment is checked first)", ae.Fields)
	}
	_, err = e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.leak, Photo: svg})
	if ae := wantErr(t, err, apperr.Invalid, ""); len(ae.Fields) != 2 {
		t.Fatalf("a problem not offered with an SVG: %+v, want both fields", ae.Fields)
	}
	for _, table := range []string{"tickets", "ticket_events", "ticket_followers", "ticket_photos"} {
		if n := e.count(t, table); n != 0 {
			t.Errorf("%d rows in %s after refused photos", n, table)
		}
	}
	// Exactly 10 MiB passes the size check (the zeros after the picture's end are
	// ignored by the decoder and not stored); one byte more did not.
	tk := must(e.fileWith(huge[:tickets.MaxPhotoBytes], ""))(t)
	if p, _ := e.storedPhoto(t, tk.ID); len(p.Data) > 100_000 {
		t.Fatalf("the padding was stored: %d bytes", len(p.Data))
	}
}

func testPhotoScoping(t *testing.T, e *tenv) {
	tk := must(e.fileWith(jpegOf(t, halves(64, 48)), ""))(t)
	for _, u := range []*users.User{e.emp, e.a, e.boss, e.admin} {
		must(e.svc.Photo(e.ctx, u, tk.ID))(t)
	}
	for _, u := range []*users.User{e.emp2, e.other} {
		wantErr(t, first(e.svc.Photo(e.ctx, u, tk.ID)), apperr.NotFound, "")
	}
	wantErr(t, first(e.svc.Photo(e.ctx, nil, tk.ID)), apperr.Unauthenticated, "")
	wantErr(t, first(e.svc.Photo(e.ctx, e.admin, 999999)), apperr.NotFound, "")
	// "Me too" does not: the photo is the reporter's (the follower sees the ticket limited).
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	wantErr(t, first(e.svc.Photo(e.ctx, e.emp2, tk.ID)), apperr.NotFound, "")
}

func testIdempotentReplay(t *testing.T, e *tenv) {
	photo := jpegOf(t, halves(64, 48))
	first1 := must(e.fileWith(photo, "form-token-1"))(t)
	again := must(e.fileWith(photo, "form-token-1"))(t)
	if again.ID != first1.ID || e.count(t, "tickets") != 1 || e.count(t, "ticket_photos") != 1 {
		t.Fatalf("replay filed %d (first %d), %d tickets", again.ID, first1.ID, e.count(t, "tickets"))
	}
	// The same key with another request is refused; so is another photo.
	_, err := e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.jam, Comment: "see the photo", Photo: photo, IdempotencyKey: "form-token-1"})
	wantErr(t, err, apperr.Conflict, "ticket.idempotency_mismatch")
	wantErr(t, first(e.fileWith(jpegOf(t, halves(48, 64)), "form-token-1")), apperr.Conflict, "ticket.idempotency_mismatch")
	// Trailing spaces in the comment are the same request (the comment is stored trimmed).
	sp := must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: "  see the photo \n", Photo: photo, IdempotencyKey: "form-token-1"}))(t)
	if sp.ID != first1.ID {
		t.Fatal("a retry with the comment's spaces filed another ticket")
	}
	// Another person's key is theirs.
	other := must(e.svc.File(e.ctx, e.emp2, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: "see the photo", Photo: photo, IdempotencyKey: "form-token-1"}))(t)
	if other.ID == first1.ID || other.ReporterID != e.emp2.ID {
		t.Fatalf("emp2 with emp's key got %+v", other)
	}
	// A replay is answered even after the device was archived.
	e.updatePrinter(t, func(in *assets.AssetInput) { in.Archived = true })
	if r := must(e.fileWith(photo, "form-token-1"))(t); r.ID != first1.ID {
		t.Fatal("the replay after archiving filed another")
	}
	wantErr(t, first(e.fileWith(photo, "form-token-2")), apperr.Conflict, "ticket.asset_archived")
	e.updatePrinter(t, func(in *assets.AssetInput) { in.Archived = false })
	// Within 24 hours the key holds; after, it is forgotten and files anew.
	e.clk.Add(24*time.Hour - time.Second)
	if r := must(e.fileWith(photo, "form-token-1"))(t); r.ID != first1.ID {
		t.Fatal("the key was forgotten before 24 hours")
	}
	e.clk.Add(2 * time.Second)
	fresh := must(e.fileWith(photo, "form-token-1"))(t)
	if fresh.ID == first1.ID {
		t.Fatal("the key was remembered after 24 hours")
	}
	if r := must(e.fileWith(photo, "form-token-1"))(t); r.ID != fresh.ID {
		t.Fatal("the renewed key does not replay")
	}
	// The expired rows were deleted when the fresh key was stored: emp's renewed
	// key and emp2's (filed at the start) are... emp2's is expired too and gone.
	var keys int
	if err := e.d.R.QueryRow("SELECT COUNT(*) FROM ticket_idempotency").Scan(&keys); err != nil || keys != 1 {
		t.Fatalf("%d idempotency rows (%v), want only the fresh one", keys, err)
	}
	// Without a key, every filing is a new ticket.
	a1, a2 := must(e.fileWith(photo, ""))(t), must(e.fileWith(photo, ""))(t)
	if a1.ID == a2.ID {
		t.Fatal("two filings without a key gave one ticket")
	}
}

func testIdempotencyKeys(t *testing.T, e *tenv) {
	for name, key := range map[string]string{
		"201 characters": strings.Repeat("k", 201),
		"non-ASCII":      "ключ",
		"a control char": "key\x00",
		"a line break":   "key\nX-Other: 1",
		"DEL":            "key\x7f",
		"invalid UTF-8":  "key\xff",
	} {
		_, err := e.fileWith(nil, key)
		ae := wantErr(t, err, apperr.Invalid, "")
		if len(ae.Fields) != 1 || ae.Fields[0].Field != "idempotency_key" || ae.Fields[0].Key != "ticket.idempotency_key_invalid" {
			t.Errorf("%s: fields %+v", name, ae.Fields)
		}
	}
	must(e.fileWith(nil, strings.Repeat("k", 200)))(t)
	must(e.fileWith(nil, "~ !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}"))(t)
	if n := e.count(t, "tickets"); n != 2 {
		t.Fatalf("%d tickets, want the 2 valid keys' only", n)
	}
}

func testIdempotentTwins(t *testing.T, e *tenv) {
	photo := jpegOf(t, halves(640, 480))
	for round := range 3 {
		const n = 6
		var wg sync.WaitGroup
		ids := make([]int64, n)
		errs := make([]error, n)
		key := fmt.Sprintf("double-click-%d", round)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, err := e.fileWith(photo, key)
				if err == nil {
					ids[i] = tk.ID
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, twin %d: %v", round, i, err)
			}
		}
		if slices.Min(ids) != slices.Max(ids) {
			t.Fatalf("round %d: twins got tickets %v", round, ids)
		}
	}
	if n := e.count(t, "tickets"); n != 3 {
		t.Fatalf("%d tickets after 3 rounds of twins", n)
	}
	if n := e.count(t, "ticket_photos"); n != 3 {
		t.Fatalf("%d photos after 3 rounds of twins", n)
	}
}

func testSearchColumn(t *testing.T, e *tenv) {
	loc := assets.Location{Building: "Башня Б", Floor: "4", Room: "Кухня-401"}
	inv := "INV-42X"
	name := "Принтер HP LaserJet"
	e.updatePrinter(t, func(in *assets.AssetInput) { in.Name, in.InventoryNumber, in.Location = name, inv, loc })
	tk := must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: "  Бумага ЗАКОНЧИЛАСЬ  "}))(t)
	var search string
	if err := e.d.R.QueryRow("SELECT search FROM tickets WHERE id = $1", tk.ID).Scan(&search); err != nil {
		t.Fatal(err)
	}
	want := tickets.SearchText("Бумага ЗАКОНЧИЛАСЬ", name, e.printer.Code, inv, loc.String())
	if search != want {
		t.Fatalf("search %q, want %q", search, want)
	}
	for _, part := range []string{"бумага закончилась", "принтер hp laserjet", strings.ToLower(e.printer.Code), "inv-42x", "башня б", "кухня-401"} {
		if !strings.Contains(search, part) {
			t.Errorf("search %q lacks %q", search, part)
		}
	}
	if search != strings.ToLower(search) {
		t.Errorf("search %q is not lower-cased", search)
	}
}

func testMeToo(t *testing.T, e *tenv) {
	tk := e.file(t, e.paper)
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, ""))(t) // again: no second event (a follower needs no code)
	must(0, e.svc.Follow(e.ctx, e.emp, tk.ID, ""))(t)  // the reporter follows already
	var followed []string
	for _, ev := range must(e.svc.View(e.ctx, e.admin, tk.ID))(t).Events {
		if ev.Kind == tickets.EventFollowed {
			followed = append(followed, fmt.Sprint(ev.ActorID))
		}
	}
	if !slices.Equal(followed, []string{fmt.Sprint(e.emp2.ID)}) {
		t.Fatalf("followed events by %v, want only emp2 %d", followed, e.emp2.ID)
	}
	// Unfollow, then follow again: a second "me too" is news again.
	must(0, e.svc.Unfollow(e.ctx, e.emp2, tk.ID))(t)
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	if got := e.kinds(t, tk.ID); got[len(got)-1] != "followed:" || len(got) != 5 {
		t.Fatalf("events %v", got)
	}
}

func testOpenOnAsset(t *testing.T, e *tenv) {
	if got := must(e.svc.OpenOnAsset(e.ctx, e.emp2, e.printer.ID))(t); len(got) != 0 {
		t.Fatalf("open tickets before filing: %+v", got)
	}
	assigned := e.file(t, e.paper) // to a
	e.clk.Add(time.Minute)
	queued := e.file(t, e.jam) // department "empty": waits
	e.clk.Add(time.Minute)
	done := e.file(t, e.paper)
	must(e.svc.Complete(e.ctx, e.b, done.ID, "fixed"))(t)

	got := must(e.svc.OpenOnAsset(e.ctx, e.emp2, e.printer.ID))(t)
	if len(got) != 2 || got[0].ID != queued.ID || got[1].ID != assigned.ID {
		t.Fatalf("open tickets %+v, want queued then assigned", got)
	}
	q, a := got[0], got[1]
	if q.Number() != queued.Number() || q.ProblemID != e.jam || q.Status != tickets.StatusNew || q.AssigneeName != "" || q.Following ||
		!q.CreatedAt.Equal(queued.CreatedAt) {
		t.Fatalf("queued: %+v", q)
	}
	if a.AssigneeName != e.a.FullName || a.Status != tickets.StatusAssigned || a.Following {
		t.Fatalf("assigned: %+v", a)
	}
	// The reporter follows both; after "me too" emp2 follows one.
	for _, o := range must(e.svc.OpenOnAsset(e.ctx, e.emp, e.printer.ID))(t) {
		if !o.Following {
			t.Fatalf("the reporter does not follow %+v", o)
		}
	}
	must(0, e.svc.Follow(e.ctx, e.emp2, assigned.ID, e.printer.Code))(t)
	got = must(e.svc.OpenOnAsset(e.ctx, e.emp2, e.printer.ID))(t)
	if got[0].Following || !got[1].Following {
		t.Fatalf("after me too: %+v", got)
	}
	// A personal device is the owner's: anyone else gets NotFound, as for none.
	laptopType := must(e.cat.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: e.classID, Names: assets.Names{EN: "Laptop"}}))(t)
	laptop := must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Emp's laptop", TypeID: laptopType.ID, OwnerID: e.emp.ID}))(t)
	must(e.svc.OpenOnAsset(e.ctx, e.emp, laptop.ID))(t)
	wantErr(t, first(e.svc.OpenOnAsset(e.ctx, e.emp2, laptop.ID)), apperr.NotFound, "")
	wantErr(t, first(e.svc.OpenOnAsset(e.ctx, e.emp2, 999999)), apperr.NotFound, "")
	wantErr(t, first(e.svc.OpenOnAsset(e.ctx, nil, e.printer.ID)), apperr.Unauthenticated, "")
}

// TestConcurrentFilingsSpreadOverExecutors: N filings at the same moment into a
// department of N idle executors give each executor exactly one ticket. Without
// the department lock on PostgreSQL, concurrent filings count the same loads and
// pile onto one executor.
func TestConcurrentFilingsSpreadOverExecutors(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		const n = 8
		crew := must(e.acc.CreateDepartment(e.ctx, e.admin, users.DepartmentInput{Code: "crew", NameEN: "Crew"}))(t)
		want := map[int64]bool{}
		for i := range n {
			u := must(e.acc.CreateUser(e.ctx, users.CreateInput{Email: fmt.Sprintf("crew%d@example.test", i), FullName: fmt.Sprintf("Crew %d", i),
				Roles: []users.Role{users.RoleEmployee, users.RoleExecutor}, Password: "correct-horse-battery-9", Language: "en"}))(t)
			want[e.member(t, u, crew.ID).ID] = true
		}
		must(e.rules.Create(e.ctx, e.admin, tickets.RuleInput{ProblemID: e.smoke, DepartmentID: crew.ID}))(t)
		for round := range 3 {
			var wg sync.WaitGroup
			got := make([]int64, n)
			errs := make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					tk, err := e.svc.File(context.Background(), e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.smoke})
					if err == nil {
						got[i] = tk.AssigneeID
					}
					errs[i] = err
				}()
			}
			close(start)
			wg.Wait()
			seen := map[int64]int{}
			for i, id := range got {
				if errs[i] != nil {
					t.Fatalf("round %d: %v", round, errs[i])
				}
				seen[id]++
			}
			for id, k := range seen {
				if !want[id] || k != 1 {
					t.Fatalf("round %d: assignees %v: each of the %d executors should get exactly one", round, got, n)
				}
			}
			if len(seen) != n {
				t.Fatalf("round %d: %d executors got tickets, want %d", round, len(seen), n)
			}
		}
	})
}

// TestFilingLeavesNothingHalfWritten: when a write fails in the middle of a filing
// (the photo's insert, or the idempotency key's, the last one), nothing of it stays:
// no ticket, no event, no follower, no photo, no key. The failure is real: a trigger
// in the database refuses the insert.
func TestFilingLeavesNothingHalfWritten(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		photo := jpegOf(t, halves(64, 48))
		for _, table := range []string{"ticket_photos", "ticket_idempotency"} {
			t.Run(table, func(t *testing.T) {
				drop := refuseInserts(t, d, table)
				_, err := e.fileWith(photo, "key-"+table)
				if err == nil || apperr.CodeOf(err) != apperr.Internal {
					t.Fatalf("filing with a failing %s insert: %v, want an internal error", table, err)
				}
				for _, tb := range []string{"tickets", "ticket_events", "ticket_followers", "ticket_photos", "ticket_idempotency"} {
					if n := e.count(t, tb); n != 0 {
						t.Errorf("%d rows left in %s", n, tb)
					}
				}
				drop()
				// The same key works once the database does.
				tk := must(e.fileWith(photo, "key-"+table))(t)
				if got := e.kinds(t, tk.ID); len(got) != 3 {
					t.Fatalf("events %v", got)
				}
				for _, tb := range []string{"ticket_followers", "ticket_events", "tickets"} {
					if _, err := d.W.Exec("DELETE FROM " + tb); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	})
}

// refuseInserts makes every insert into table fail, until the returned func is called.
func refuseInserts(t *testing.T, d *db.DB, table string) func() {
	t.Helper()
	var create, drop []string
	if d.Dialect == db.SQLite {
		create = []string{"CREATE TRIGGER refuse_" + table + " BEFORE INSERT ON " + table + " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"}
		drop = []string{"DROP TRIGGER refuse_" + table}
	} else {
		create = []string{
			"CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
			"CREATE TRIGGER refuse_" + table + " BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION refuse_insert()",
		}
		drop = []string{"DROP TRIGGER refuse_" + table + " ON " + table, "DROP FUNCTION refuse_insert()"}
	}
	for _, q := range create {
		if _, err := d.W.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return func() {
		for _, q := range drop {
			if _, err := d.W.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
}
