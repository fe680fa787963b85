package tickets_test

import (
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// TestFilingReadsTheCatalogueAsOfItsRequest: a filing is a request that writes, yet
// it reads the device from the catalogue caches (cache.CatalogueUnchanged) under
// the version its request read at the start. An admin's change committed before a
// request must be seen by it: an offer withdrawn, a device archived. The first
// filing of each pair fills the caches, so a cache that outlived its version would
// let the second through.
func TestFilingReadsTheCatalogueAsOfItsRequest(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		request := func() *tenv { // the versions as a POST reads them at its start
			r := *e
			r.ctx = cache.Check(e.ctx, d.R, false)
			return &r
		}
		if _, ok := cache.CatalogueVersion(request().ctx); ok {
			t.Fatal("a request that writes carries the catalogue version")
		}
		if _, ok := cache.CatalogueVersion(cache.CatalogueUnchanged(request().ctx)); !ok {
			t.Fatal("CatalogueUnchanged gave no catalogue version back")
		}
		if _, ok := cache.CatalogueVersion(cache.CatalogueUnchanged(e.ctx)); ok {
			t.Fatal("CatalogueUnchanged made up a version for a context that read none")
		}

		r := request()
		must(r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.smoke}))(t)
		must(e.cat.SetOffers(e.ctx, e.admin, e.typeID, []assets.OfferInput{{ProblemID: e.paper}, {ProblemID: e.jam}}))(t)
		r = request()
		_, err := r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.smoke})
		wantErr(t, err, apperr.Invalid, "")

		r = request()
		must(r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.paper}))(t)
		in := assets.AssetInput{Name: e.printer.Name, TypeID: e.typeID, Archived: true}
		must(e.cat.UpdateAsset(e.ctx, e.admin, e.printer.ID, in))(t)
		r = request()
		_, err = r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.paper})
		wantErr(t, err, apperr.Conflict, "ticket.asset_archived")
	})
}
