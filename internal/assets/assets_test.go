package assets_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	domainCases = append(domainCases,
		domainCase{"ScanCounts", testScanCounts},
		domainCase{"PersonalDevices", testPersonalDevices},
		domainCase{"Archived", testArchived},
		domainCase{"Reissue", testReissue},
		domainCase{"ReissueUnderConcurrentScans", testReissueUnderConcurrentScans},
	)
}

// badCodes are codes that must be answered NotFound without asking the database.
func badCodes() []string {
	return []string{
		"", "a", "abcdefghijklmno", "abcdefghijklmnopq", strings.Repeat("a", 10*1024),
		"ABCDEFGHIJKLMNOP", "abcdefghijklmn01", "abcdefghijklmn89", "../../etc/passwd", "..%2f..%2fetc%2fpass",
		"abcdefgh/ijklmno", "abcdefgh.ijklmno", "abcdefgh ijklmno", "abcdefghijklmno\x00", "abcdefghijklmno\n",
		"абвгдеёжзийклмно", "аbcdefghijklmnop"[:16], "abcdefghijklmné", "abcdefghijklmn🍕", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0",
		"<script>alert(1)", "abcdefg%00hijklm", "' OR 1=1 --aaaaa",
	}
}

func TestValidCode(t *testing.T) {
	for _, c := range badCodes() {
		if assets.ValidCode(c) {
			t.Errorf("ValidCode(%q) = true", c)
		}
	}
	if !assets.ValidCode("abcdefghijklmnop") || !assets.ValidCode("2345672345672345") {
		t.Fatal("well-formed codes refused")
	}
}

// TestBadCodesNeverReachTheDatabase scans every malformed code on a service whose
// database is closed: any query would fail with an internal error, not NotFound.
func TestBadCodesNeverReachTheDatabase(t *testing.T) {
	closed, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "never.db"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	svc := assets.NewService(&db.DB{Dialect: db.SQLite, W: closed, R: closed}, nil)
	someone := &users.User{ID: 1, Roles: []users.Role{users.RoleEmployee}}
	for _, c := range badCodes() {
		_, err := svc.Scan(t.Context(), someone, c)
		ae := apperr.As(err)
		if ae == nil || ae.Code != apperr.NotFound || ae.Key != "error.not_found" {
			t.Errorf("Scan(%.20q): %v", c, err)
		}
		if _, err := svc.ViewByCode(t.Context(), someone, c); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("ViewByCode(%.20q): %v", c, err)
		}
	}
	// A well-formed code does ask, so the closed database shows.
	if _, err := svc.Scan(t.Context(), someone, "abcdefghijklmnop"); apperr.CodeOf(err) != apperr.Internal {
		t.Fatalf("well-formed code on a closed database: %v", err)
	}
}

func testScanCounts(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	dev := e.device(t, b.printer.ID, assets.AssetInput{Name: "Принтер 3 этаж", InventoryNumber: "INV-000001"})
	if !assets.ValidCode(dev.Code) || dev.Code == strconv.FormatInt(dev.ID, 10) || dev.ScanCount != 0 || dev.LastScannedAt != nil {
		t.Fatalf("new device: %+v", dev)
	}
	other := e.device(t, b.printer.ID, assets.AssetInput{Name: "Другой"})
	if other.Code == dev.Code {
		t.Fatal("two devices share a code")
	}
	start := e.clock.Now()
	for i := range 3 {
		e.clock.Add(time.Minute)
		a, err := e.svc.Scan(e.ctx, e.owner, dev.Code)
		if err != nil {
			t.Fatal(err)
		}
		if a.ID != dev.ID || a.ScanCount != int64(i+1) {
			t.Fatalf("scan %d: %+v", i, a)
		}
	}
	a := ok(e.svc.Asset(e.ctx, e.admin, dev.ID))(t)
	if a.ScanCount != 3 || a.LastScannedAt == nil || !a.LastScannedAt.Equal(start.Add(3*time.Minute)) {
		t.Fatalf("after 3 scans: count %d, last %v", a.ScanCount, a.LastScannedAt)
	}
	if o := ok(e.svc.Asset(e.ctx, e.admin, other.ID))(t); o.ScanCount != 0 {
		t.Fatalf("the other device counted %d scans", o.ScanCount)
	}
	// Renaming and moving keep the code.
	moved := ok(e.svc.UpdateAsset(e.ctx, e.admin, dev.ID, assets.AssetInput{Name: "Принтер, теперь на 4 этаже", TypeID: b.printer.ID,
		Location: assets.Location{Building: "А", Floor: "4", Room: "401"}}))(t)
	if moved.Code != dev.Code || moved.ScanCount != 3 || moved.InventoryNumber != "" {
		t.Fatalf("after a move: %+v", moved)
	}
	v := ok(e.svc.ViewByCode(e.ctx, e.owner, dev.Code))(t)
	if v.Asset.Name != "Принтер, теперь на 4 этаже" || v.Type.ID != b.printer.ID || v.Class.ID != b.it.ID || v.Asset.ScanCount != 4 {
		t.Fatalf("view: %+v", v)
	}
	if v := ok(e.svc.ViewByID(e.ctx, e.owner, dev.ID))(t); v.Asset.ScanCount != 4 {
		t.Fatalf("ViewByID counted a scan: %d", v.Asset.ScanCount)
	}
	// A well-formed unknown code is the same NotFound as a malformed one.
	_, err := e.svc.Scan(e.ctx, e.owner, "zzzzzzzzzzzzzzzz")
	wantCode(t, err, apperr.NotFound, "error.not_found")
}

func testPersonalDevices(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	laptop := e.device(t, b.printer.ID, assets.AssetInput{Name: "Ноутбук Анны", InventoryNumber: "NB-7", OwnerID: e.owner.ID})
	shared := e.device(t, b.printer.ID, assets.AssetInput{Name: "Общий принтер"})
	if laptop.OwnerID != e.owner.ID {
		t.Fatalf("owner: %+v", laptop)
	}
	for _, who := range []*users.User{e.owner, e.exec, e.admin} {
		if _, err := e.svc.Scan(e.ctx, who, laptop.Code); err != nil {
			t.Errorf("%s cannot scan the laptop: %v", who.Email, err)
		}
		if _, err := e.svc.Asset(e.ctx, who, laptop.ID); err != nil {
			t.Errorf("%s cannot see the laptop: %v", who.Email, err)
		}
		if !assets.CanSee(who, laptop) {
			t.Errorf("CanSee(%s) = false", who.Email)
		}
	}
	// For a colleague the laptop does not exist: the very error of an absent code.
	_, absent := e.svc.Scan(e.ctx, e.colleague, "zzzzzzzzzzzzzzzz")
	_, hidden := e.svc.Scan(e.ctx, e.colleague, laptop.Code)
	_, hiddenByID := e.svc.Asset(e.ctx, e.colleague, laptop.ID)
	_, hiddenView := e.svc.ViewByID(e.ctx, e.colleague, laptop.ID)
	for _, err := range []error{hidden, hiddenByID, hiddenView} {
		if err == nil || err.Error() != absent.Error() || apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("hidden device: %v; absent: %v", err, absent)
		}
	}
	// The colleague's look is not counted either: three visible scans above, no more.
	if a, err := e.svc.Asset(e.ctx, e.admin, laptop.ID); err != nil || a.ScanCount != 3 {
		t.Fatalf("scan count after three visible scans and one hidden: %v %v", a, err)
	}
	if assets.CanSee(e.colleague, laptop) || assets.CanSee(nil, shared) || !assets.CanSee(e.colleague, shared) {
		t.Fatal("CanSee")
	}
	page := ok(e.svc.List(e.ctx, e.colleague, assets.Filter{}))(t)
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != shared.ID {
		t.Fatalf("colleague's list: %+v", page)
	}
	if page := ok(e.svc.List(e.ctx, e.owner, assets.Filter{}))(t); page.Total != 2 {
		t.Fatalf("owner's list: %d", page.Total)
	}
	if page := ok(e.svc.List(e.ctx, e.exec, assets.Filter{Q: "ноутбук"}))(t); page.Total != 1 {
		t.Fatalf("staff's list: %d", page.Total)
	}
	// Handing the laptop to the colleague swaps who sees it.
	ok(e.svc.UpdateAsset(e.ctx, e.admin, laptop.ID, assets.AssetInput{Name: laptop.Name, TypeID: b.printer.ID, OwnerID: e.colleague.ID}))(t)
	if _, err := e.svc.Scan(e.ctx, e.colleague, laptop.Code); err != nil {
		t.Fatalf("new owner: %v", err)
	}
	if _, err := e.svc.Scan(e.ctx, e.owner, laptop.Code); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("former owner: %v", err)
	}
}

func testArchived(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	old := e.device(t, b.coffee.ID, assets.AssetInput{Name: "Старая кофемашина", Archived: true})
	e.device(t, b.coffee.ID, assets.AssetInput{Name: "Новая кофемашина"})
	a, err := e.svc.Scan(e.ctx, e.colleague, old.Code)
	if err != nil || !a.Archived || a.ScanCount != 1 {
		t.Fatalf("an archived device must still resolve (the page says it is retired): %+v, %v", a, err)
	}
	yes, no := true, false
	for _, tc := range []struct {
		archived *bool
		want     int
	}{{nil, 1}, {&yes, 1}, {&no, 1}} {
		page := ok(e.svc.List(e.ctx, e.admin, assets.Filter{Archived: tc.archived}))(t)
		if page.Total != tc.want || (tc.archived != nil && page.Items[0].Archived != *tc.archived) || (tc.archived == nil && page.Items[0].Archived) {
			t.Fatalf("archived %v: %+v", tc.archived, page.Items)
		}
	}
	// Un-archiving brings it back into the list.
	ok(e.svc.UpdateAsset(e.ctx, e.admin, old.ID, assets.AssetInput{Name: old.Name, TypeID: b.coffee.ID}))(t)
	if page := ok(e.svc.List(e.ctx, e.admin, assets.Filter{}))(t); page.Total != 2 {
		t.Fatalf("after un-archiving: %d", page.Total)
	}
}

func testReissue(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	dev := e.device(t, b.printer.ID, assets.AssetInput{Name: "Принтер"})
	ok(e.svc.Scan(e.ctx, e.owner, dev.Code))(t)
	re := ok(e.svc.ReissueCode(e.ctx, e.admin, dev.ID))(t)
	if re.Code == dev.Code || !assets.ValidCode(re.Code) || re.ScanCount != 1 || re.Name != dev.Name {
		t.Fatalf("re-issued: %+v", re)
	}
	_, err := e.svc.Scan(e.ctx, e.owner, dev.Code)
	if !errors.Is(err, assets.ErrReplaced) || apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("old code: %v", err)
	}
	if _, err := e.svc.ViewByCode(e.ctx, e.owner, dev.Code); !errors.Is(err, assets.ErrReplaced) {
		t.Fatalf("old code's view: %v", err)
	}
	a := ok(e.svc.Scan(e.ctx, e.owner, re.Code))(t)
	if a.ID != dev.ID || a.ScanCount != 2 {
		t.Fatalf("new code: %+v", a)
	}
	// Again: both earlier codes say "replaced".
	again := ok(e.svc.ReissueCode(e.ctx, e.admin, dev.ID))(t)
	for _, c := range []string{dev.Code, re.Code} {
		if _, err := e.svc.Scan(e.ctx, e.owner, c); !errors.Is(err, assets.ErrReplaced) {
			t.Fatalf("code %s after the second re-issue: %v", c, err)
		}
	}
	if _, err := e.svc.Scan(e.ctx, e.owner, again.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ReissueCode(e.ctx, e.admin, 999999); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("absent device: %v", err)
	}
	if a := ok(e.svc.Asset(e.ctx, e.admin, dev.ID))(t); a.ScanCount != 3 {
		t.Fatalf("replaced-code scans counted: %d", a.ScanCount)
	}
}

// testReissueUnderConcurrentScans scans a device's code from several goroutines
// while the code is re-issued (twice at once) and a neighbour is scanned too: every
// scan is the device or "replaced", and the counters add up exactly.
func testReissueUnderConcurrentScans(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	target := e.device(t, b.printer.ID, assets.AssetInput{Name: "Цель"})
	neighbour := e.device(t, b.printer.ID, assets.AssetInput{Name: "Сосед"})
	const workers, scans = 6, 12
	var (
		wg                        sync.WaitGroup
		mu                        sync.Mutex
		hits, replaced, neighHits int
		failures                  []string
	)
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range scans {
				code, want := target.Code, target.ID
				if w%3 == 2 {
					code, want = neighbour.Code, neighbour.ID
				}
				a, err := e.svc.Scan(e.ctx, e.owner, code)
				mu.Lock()
				switch {
				case err == nil && a.ID == want && want == target.ID:
					hits++
				case err == nil && a.ID == want:
					neighHits++
				case errors.Is(err, assets.ErrReplaced) && want == target.ID:
					replaced++
				default:
					failures = append(failures, "scan: "+describe(a, err))
				}
				mu.Unlock()
			}
		}()
	}
	reissued := make(chan *assets.Asset, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			time.Sleep(2 * time.Millisecond)
			a, err := e.svc.ReissueCode(e.ctx, e.admin, target.ID)
			if err != nil {
				mu.Lock()
				failures = append(failures, "reissue: "+err.Error())
				mu.Unlock()
				return
			}
			reissued <- a
		}()
	}
	close(start)
	wg.Wait()
	close(reissued)
	if len(failures) > 0 {
		t.Fatalf("%d bad results, first: %s", len(failures), failures[0])
	}
	if hits+replaced != (workers-workers/3)*scans {
		t.Fatalf("hits %d + replaced %d", hits, replaced)
	}
	tgt := ok(e.svc.Asset(e.ctx, e.admin, target.ID))(t)
	nb := ok(e.svc.Asset(e.ctx, e.admin, neighbour.ID))(t)
	if tgt.ScanCount != int64(hits) || nb.ScanCount != int64(neighHits) || nb.Code != neighbour.Code {
		t.Fatalf("counted %d on the target (%d hits), %d on the neighbour (%d hits)", tgt.ScanCount, hits, nb.ScanCount, neighHits)
	}
	// Both re-issues happened one after the other: three codes, two retired.
	n := 0
	for range reissued {
		n++
	}
	if n != 2 {
		t.Fatalf("%d re-issues succeeded", n)
	}
	if _, err := e.svc.Scan(e.ctx, e.owner, tgt.Code); err != nil {
		t.Fatalf("current code: %v", err)
	}
	var retired int
	if err := e.d.R.QueryRow("SELECT COUNT(*) FROM retired_codes WHERE asset_id = $1", target.ID).Scan(&retired); err != nil || retired != 2 {
		t.Fatalf("retired codes: %d, %v", retired, err)
	}
}

func describe(a *assets.Asset, err error) string {
	if err != nil {
		return err.Error()
	}
	return "device " + strconv.FormatInt(a.ID, 10)
}
