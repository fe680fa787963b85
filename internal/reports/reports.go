// Package reports is the period report for heads of department and
// administrators: how many tickets were created, completed and cancelled, how long
// completion and the first action took (average, median, 90th percentile), the
// incidents per day in the office's time zone, the breakdowns and the backlog.
//
// Every figure is computed by the database (aggregates and window functions that
// SQLite and PostgreSQL share, over the summary that migration 00017's triggers
// keep and the tickets themselves); no query returns one row per ticket. The package
// reads the tables of tickets, assets, the catalogue and users read-only: a
// report is the one place whose job is to look across modules (see
// docs/ARCHITECTURE.md, "Reports").
package reports

import (
	"context"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// Service computes reports.
type Service struct {
	db  *db.DB
	loc *time.Location
	now func() time.Time
}

// NewService returns the reports service; loc is the office's time zone (UTC when
// nil) and now the clock (time.Now when nil).
func NewService(d *db.DB, loc *time.Location, now func() time.Time) *Service {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, loc: loc, now: now}
}

// Location is the office's time zone, in which the report's days are cut.
func (s *Service) Location() *time.Location { return s.loc }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Query is what a report is asked for.
type Query struct {
	Period Period
	// DepartmentID narrows to one department; 0 is every department the reader
	// may report on.
	DepartmentID int64
}

// Spread is how long something took across tickets: the median and the 90th
// percentile are nearest-rank values (the value at rank ⌈p·n⌉ of the sorted
// durations), so each is a duration some ticket really had. Zero when Count is 0.
type Spread struct {
	Count            int64
	Avg, Median, P90 time.Duration
	// Approx is set when Median and P90 were read from the per-day histograms (a
	// period longer than ApproxAfterDays): each is then within ApproxError of the
	// exact nearest-rank value, or one second; Count and Avg stay exact.
	Approx bool
}

// Figures are the headline numbers of one period.
type Figures struct {
	// Created, Completed and Cancelled count tickets whose filing, completion or
	// cancellation fell in the period.
	Created, Completed, Cancelled int64
	// OpenAtEnd counts tickets filed before the period's end and neither completed
	// nor cancelled before it (as the tickets stand now: a reopened ticket counts
	// by its latest completion).
	OpenAtEnd int64
	// Completion is done_at − created_at of the tickets completed in the period.
	Completion Spread
	// FirstAction is started_at − assigned_at of the tickets started in the period.
	FirstAction Spread
}

// Day is one day of the per-day series.
type Day struct {
	// Date is the day's midnight in the office's time zone.
	Date               time.Time
	Created, Completed int64
}

// Line is one row of a breakdown.
type Line struct {
	// ID is the department, class, type, problem type, device or executor; 0 is
	// "none" (an unrouted or unassigned ticket).
	ID             int64
	NameEN, NameRU string
	// Code is the device's QR code (devices only).
	Code string
	// Created counts the tickets filed in the period (all breakdowns but executors).
	Created int64
	// Completed and AvgCompletion: the tickets the executor completed in the
	// period and their average completion time (executors only).
	Completed     int64
	AvgCompletion time.Duration
}

// Backlog is the open tickets now, by age.
type Backlog struct {
	Open, OverHour, OverDay, OverWeek int64
}

// DevicesShown is how many devices the device breakdown lists (those with most
// incidents).
const DevicesShown = 10

// Report is the answer to a Query.
type Report struct {
	Period, Previous Period
	// DepartmentID is the query's department (0: all the reader may see), with its
	// names.
	DepartmentID                 int64
	DepartmentEN, DepartmentRU   string
	Current, Before              Figures
	Days                         []Day
	Departments, Classes, Types  []Line
	Problems, Devices, Executors []Line
	Backlog                      Backlog
	// Upkeep is the upkeep due in the period, on time and late (upkeep.go).
	Upkeep Upkeep
	// SLA is the share of the period's completed tickets that kept their
	// targets (sla.go).
	SLA SLA
	// At is when the report was computed (the backlog's "now").
	At time.Time
}

// scope is the set of departments a report covers: nil is every ticket.
type scope struct {
	all  bool
	deps []int64
}

// scopeOf checks that actor may see the report asked for. Administrators report
// on every department; a head on the departments they lead; anyone else is
// refused (Forbidden, as for the other staff pages). A department the reader may
// not report on is NotFound, exactly like one that does not exist.
func (s *Service) scopeOf(ctx context.Context, actor *users.User, depID int64) (scope, string, string, error) {
	if actor == nil {
		return scope{}, "", "", apperr.New(apperr.Unauthenticated, "login.required")
	}
	notFound := apperr.New(apperr.NotFound, "error.not_found")
	switch {
	case actor.IsAdmin():
		if depID == 0 {
			return scope{all: true}, "", "", nil
		}
		en, ru, ok, err := s.departmentName(ctx, depID)
		if err != nil {
			return scope{}, "", "", err
		}
		if !ok {
			return scope{}, "", "", notFound
		}
		return scope{deps: []int64{depID}}, en, ru, nil
	case actor.Has(users.RoleHead) && len(actor.Departments) > 0:
		if depID == 0 {
			return scope{deps: actor.DepartmentIDs()}, "", "", nil
		}
		for _, d := range actor.Departments {
			if d.ID == depID {
				return scope{deps: []int64{depID}}, d.NameEN, d.NameRU, nil
			}
		}
		return scope{}, "", "", notFound
	}
	return scope{}, "", "", apperr.New(apperr.Forbidden, "error.forbidden")
}

// MayReport reports whether actor may open reports at all (for links and menus).
func MayReport(actor *users.User) bool {
	return actor.IsAdmin() || actor.Has(users.RoleHead) && len(actor.Departments) > 0
}

// Summary computes the report q for actor: the figures of the period and of the
// one before it, the per-day series, the breakdowns and the backlog.
func (s *Service) Summary(ctx context.Context, actor *users.User, q Query) (*Report, error) {
	sc, en, ru, err := s.scopeOf(ctx, actor, q.DepartmentID)
	if err != nil {
		return nil, err
	}
	if q.Period.From.IsZero() || q.Period.To.Before(q.Period.From) {
		return nil, apperr.New(apperr.Invalid, "reports.bad_period")
	}
	rep := &Report{Period: q.Period, Previous: q.Period.Previous(), DepartmentID: q.DepartmentID,
		DepartmentEN: en, DepartmentRU: ru, At: s.now().UTC()}
	// The previous period ends where this one starts: what happened since its end
	// is this period's figures and what followed, read once.
	var hours []hourRow
	var since *totals
	if rep.Current, hours, since, err = s.figures(ctx, sc, rep.Period, nil); err != nil {
		return nil, err
	}
	if rep.Before, _, _, err = s.figures(ctx, sc, rep.Previous, since); err != nil {
		return nil, err
	}
	if rep.Days, err = s.perDay(ctx, sc, rep.Period, hours); err != nil {
		return nil, err
	}
	if err = s.breakdowns(ctx, sc, rep); err != nil {
		return nil, err
	}
	if rep.Executors, err = s.executors(ctx, sc, rep.Period); err != nil {
		return nil, err
	}
	if rep.Backlog, err = s.backlog(ctx, sc, rep.At); err != nil {
		return nil, err
	}
	if rep.Upkeep, err = s.upkeep(ctx, sc, rep.Period, rep.At); err != nil {
		return nil, err
	}
	if rep.SLA, err = s.sla(ctx, sc, rep.Period); err != nil {
		return nil, err
	}
	return rep, nil
}
