package tickets

import (
	"context"
	"time"

	"smartservice/internal/cache"
	"smartservice/internal/sla"
)

// What a filing reads besides the device, kept under the catalogue's version
// (migration 00024 moves it with the routing rules, departments, the default
// department, the office hours and holidays; 00015 with problem types): the route
// of a (class, type, problem), the targets of a (problem, rule), the office
// calendar of a day. Each was a read inside the filing's transaction, where on
// PostgreSQL every round trip holds up the filings queued behind it (db.Group).
// A filing whose context carries no catalogue version (the CLI, jobs, a request
// that did not read the versions) reads the database, as before.
type filingCaches struct {
	routes    *cache.Map[[3]int64, Route]
	targets   *cache.Map[[2]int64, sla.Target]
	calendars *cache.Map[string, *sla.Calendar]
}

// maxCachedRoutes bounds each map: an office has far fewer (class, type, problem)
// triples in use; past it the map is emptied and refills.
const maxCachedRoutes = 10_000

func newFilingCaches() filingCaches {
	return filingCaches{routes: cache.NewMap[[3]int64, Route](maxCachedRoutes),
		targets:   cache.NewMap[[2]int64, sla.Target](maxCachedRoutes),
		calendars: cache.NewMap[string, *sla.Calendar](16)}
}

// route is resolve, from the cache when ctx carries the catalogue's version.
func (s *Service) route(ctx context.Context, q querier, classID, typeID, problemID int64) (Route, error) {
	return cache.Kept(ctx, s.caches.routes, [3]int64{classID, typeID, problemID}, nil, func() (Route, error) {
		return resolve(ctx, q, classID, typeID, problemID)
	})
}

// dueAt is the due times of a ticket of department deptID about problemID routed
// by ruleID, its clock starting at start (sla.DueFor), with the targets and the
// calendar from the caches when ctx carries the catalogue's version. A ticket with
// no department has no targets: nobody could meet them.
func (s *Service) dueAt(ctx context.Context, q sla.Querier, deptID, problemID, ruleID int64, start time.Time) (sla.Due, error) {
	if deptID == 0 {
		return sla.Due{}, nil
	}
	version, versioned := cache.CatalogueVersion(ctx)
	if !versioned {
		return sla.DueFor(ctx, q, s.loc, problemID, ruleID, start)
	}
	tk := [2]int64{problemID, ruleID}
	t, ok := s.caches.targets.Get(tk, version)
	if !ok {
		var err error
		if t, err = sla.TargetFor(ctx, q, problemID, ruleID); err != nil {
			return sla.Due{}, err
		}
		s.caches.targets.Put(tk, version, t)
	}
	if !t.Any() {
		return sla.Due{}, nil
	}
	// The calendar holds the holidays from the day before start's day on (in the
	// office's zone), so that day names it.
	day := start.In(s.loc).Format(time.DateOnly)
	c, ok := s.caches.calendars.Get(day, version)
	if !ok {
		var err error
		if c, err = sla.LoadCalendar(ctx, q, s.loc, start); err != nil {
			return sla.Due{}, err
		}
		s.caches.calendars.Put(day, version, c)
	}
	return c.DueFrom(start, t)
}
