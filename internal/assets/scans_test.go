package assets_test

import (
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/cache"
)

func init() {
	domainCases = append(domainCases, domainCase{"BatchedScans", testBatchedScans})
}

// scanCount is the counter as stored, read past every cache.
func (e *assetsEnv) scanCount(t *testing.T, id int64) (int64, *time.Time) {
	t.Helper()
	a := ok(e.svc.Asset(e.ctx, e.exec, id))(t)
	return a.ScanCount, a.LastScannedAt
}

// testBatchedScans: with BatchScans, a scan writes nothing until the flush; the
// flush adds every counted scan and the latest time; a scan of a device one may not
// see is not counted; an admin sees the counts not yet written; the stop writes
// what is left; and the cached device (under a request's versions) still obeys
// the visibility rule.
func testBatchedScans(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	shared := e.device(t, b.printer.ID, assets.AssetInput{Name: "Общий принтер"})
	laptop := e.device(t, b.printer.ID, assets.AssetInput{Name: "Ноутбук Анны", OwnerID: e.owner.ID})
	stop := e.svc.BatchScans(time.Hour) // only explicit flushes in this test
	v, err := cache.Read(e.ctx, e.d.R)
	if err != nil {
		t.Fatal(err)
	}
	ctx := cache.With(e.ctx, v)
	for range 5 {
		e.clock.Add(time.Second)
		if _, err := e.svc.Scan(ctx, e.owner, shared.Code); err != nil {
			t.Fatal(err)
		}
	}
	last := e.clock.Now()
	for range 3 {
		if _, err := e.svc.Scan(ctx, e.colleague, laptop.Code); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a colleague scanning someone's laptop: %v", err)
		}
	}
	if n, _ := e.scanCount(t, shared.ID); n != 0 {
		t.Fatalf("before the flush the stored count is %d, want 0", n)
	}
	// The admin's page shows the stored count plus what is waiting.
	if a := ok(e.svc.Scan(ctx, e.admin, shared.Code))(t); a.ScanCount != 6 {
		t.Fatalf("the admin sees %d scans, want 6", a.ScanCount)
	}
	if err := e.svc.FlushScans(e.ctx); err != nil {
		t.Fatal(err)
	}
	n, at := e.scanCount(t, shared.ID)
	if n != 6 || at == nil || !at.Equal(last) {
		t.Fatalf("after the flush: %d scans, last %v; want 6 at %v", n, at, last)
	}
	if n, _ := e.scanCount(t, laptop.ID); n != 0 {
		t.Fatalf("hidden scans were counted: %d", n)
	}
	for range 2 {
		ok(e.svc.Scan(ctx, e.owner, laptop.Code))(t)
	}
	if err := stop(e.ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.scanCount(t, laptop.ID); n != 2 {
		t.Fatalf("the stop wrote %d scans of the laptop, want 2", n)
	}
	// After the stop, scans are written at once again.
	ok(e.svc.Scan(e.ctx, e.owner, laptop.Code))(t)
	if n, _ := e.scanCount(t, laptop.ID); n != 3 {
		t.Fatalf("after the stop a scan left %d, want 3", n)
	}
}
