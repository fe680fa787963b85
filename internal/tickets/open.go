package tickets

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/users"
)

// OpenTicket is what the device page tells anyone who may see the device about an
// open ticket on it, so they can say "me too" instead of filing again. It carries
// nothing more about other people's tickets: no comment, no reporter.
type OpenTicket struct {
	ID        int64
	ProblemID int64
	// ProblemEN and ProblemRU name the problem (the device's type may no longer offer it).
	ProblemEN, ProblemRU string
	CreatedAt            time.Time
	Status               Status
	// AssigneeName is the executor's full name; empty while nobody is on it.
	AssigneeName string
	// Following tells whether the actor already follows the ticket (a reporter
	// follows their own).
	Following bool
}

// Number is how people name the ticket (as Ticket.Number).
func (o OpenTicket) Number() string { return (&Ticket{ID: o.ID}).Number() }

// maxOpenOnAsset bounds the list; a device with more open tickets than that has a
// bigger problem than this list can show.
const maxOpenOnAsset = 20

// OpenOnAsset lists the open tickets on a device, newest first, for anyone who may
// see the device (NotFound otherwise, as for an unknown device).
func (s *Service) OpenOnAsset(ctx context.Context, actor *users.User, assetID int64) ([]OpenTicket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	a, err := s.assets.Asset(ctx, actor, assetID)
	if err != nil {
		return nil, err
	}
	return s.OpenOnDevice(ctx, actor, a)
}

// OpenOnDevice is OpenOnAsset for a device the caller has just read through the
// assets module (the device page's scan): the visibility rule is checked on it
// here, without reading the device a second time.
func (s *Service) OpenOnDevice(ctx context.Context, actor *users.User, a *assets.Asset) ([]OpenTicket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	if a == nil || !assets.CanSee(actor, a) {
		return nil, notFound
	}
	assetID := a.ID
	if v, ok := cache.DeviceTickets(ctx, assetID); ok {
		return s.openCached(ctx, actor, assetID, v)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.id, t.problem_type_id, p.name_en, p.name_ru, t.created_at, t.status,
		COALESCE(u.full_name, ''), f.user_id IS NOT NULL
	FROM tickets t
	JOIN problem_types p ON p.id = t.problem_type_id
	LEFT JOIN users u ON u.id = t.assignee_id
	LEFT JOIN ticket_followers f ON f.ticket_id = t.id AND f.user_id = $2
	WHERE t.asset_id = $1 AND t.status IN ('new', 'assigned', 'in_progress')
	ORDER BY t.id DESC LIMIT $3`, assetID, actor.ID, maxOpenOnAsset)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list a device's open tickets: %w", err)
	}
	defer rows.Close()
	var out []OpenTicket
	for rows.Next() {
		var o OpenTicket
		var status string
		if err := rows.Scan(&o.ID, &o.ProblemID, &o.ProblemEN, &o.ProblemRU, &o.CreatedAt, &status, &o.AssigneeName, &o.Following); err != nil {
			return nil, fmt.Errorf("tickets: unable to read an open ticket: %w", err)
		}
		o.Status = Status(status)
		out = append(out, o)
	}
	return out, rows.Err()
}

// The device page shows every viewer the device's open tickets, and a rush of
// scans at a broken machine is many viewers reading one unchanged list. So the
// list is kept per device on each instance, with every follower of each ticket
// (whether the viewer follows one is per viewer), under the versions the
// request read: its device's tickets stripe (migration 00023: triggers move it
// with the open tickets and their followers, in the same transaction), the
// catalogue (the problems' names) and auth (the executor's name). The stripe is
// read in the request's one statement of versions (cache.CheckDevice), so a
// change made on any instance is shown by the very next view everywhere.

// openList is a device's open tickets as kept: Following unset, the followers
// of each ticket at the same index of followers (sorted).
type openList struct {
	auth, catalogue int64
	tickets         []OpenTicket
	followers       [][]int64
}

// openLists are the kept lists by device id, each stamped with its stripe's
// version, and how many lists were read from the database (for the tests: a
// view that should have been answered from memory was not).
type openLists struct {
	m     *cache.Map[int64, *openList]
	loads atomic.Int64
}

// newOpenLists returns an empty map of at most 4096 lists (a few hundred bytes
// per device).
func newOpenLists() *openLists { return &openLists{m: cache.NewMap[int64, *openList](4096)} }

// openCached answers OpenOnDevice from the kept list of the device when it was
// loaded under the versions v, else reads it (and keeps it).
func (s *Service) openCached(ctx context.Context, actor *users.User, assetID int64, v cache.Versions) ([]OpenTicket, error) {
	l, ok := s.openLists.m.Get(assetID, v.Tickets)
	if !ok || l.auth != v.Auth || l.catalogue != v.Catalogue {
		var err error
		if l, err = s.readOpenList(ctx, assetID); err != nil {
			return nil, err
		}
		s.openLists.loads.Add(1)
		l.auth, l.catalogue = v.Auth, v.Catalogue
		s.openLists.m.Put(assetID, v.Tickets, l)
	}
	if len(l.tickets) == 0 {
		return nil, nil
	}
	out := slices.Clone(l.tickets)
	for i := range out {
		_, out[i].Following = slices.BinarySearch(l.followers[i], actor.ID)
	}
	return out, nil
}

// OpenListLoads reports how many device lists of open tickets this instance has
// read from the database for the device page's cache; a view answered from
// memory reads none (the tests tell a kept answer from a fresh one by it).
func (s *Service) OpenListLoads() int64 { return s.openLists.loads.Load() }

// readOpenList reads a device's open tickets, newest first, each with all its
// followers: one row per ticket and follower.
func (s *Service) readOpenList(ctx context.Context, assetID int64) (*openList, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.id, t.problem_type_id, p.name_en, p.name_ru, t.created_at, t.status,
		COALESCE(u.full_name, ''), COALESCE(f.user_id, 0)
	FROM (SELECT id, problem_type_id, created_at, status, assignee_id FROM tickets
		WHERE asset_id = $1 AND status IN ('new', 'assigned', 'in_progress') ORDER BY id DESC LIMIT $2) t
	JOIN problem_types p ON p.id = t.problem_type_id
	LEFT JOIN users u ON u.id = t.assignee_id
	LEFT JOIN ticket_followers f ON f.ticket_id = t.id
	ORDER BY t.id DESC, f.user_id`, assetID, maxOpenOnAsset)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list a device's open tickets: %w", err)
	}
	defer rows.Close()
	l := &openList{}
	for rows.Next() {
		var o OpenTicket
		var status string
		var follower int64
		if err := rows.Scan(&o.ID, &o.ProblemID, &o.ProblemEN, &o.ProblemRU, &o.CreatedAt, &status, &o.AssigneeName, &follower); err != nil {
			return nil, fmt.Errorf("tickets: unable to read an open ticket: %w", err)
		}
		if n := len(l.tickets); n == 0 || l.tickets[n-1].ID != o.ID {
			o.Status = Status(status)
			l.tickets = append(l.tickets, o)
			l.followers = append(l.followers, nil)
		}
		if follower != 0 {
			l.followers[len(l.followers)-1] = append(l.followers[len(l.followers)-1], follower)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tickets: unable to list a device's open tickets: %w", err)
	}
	for _, f := range l.followers {
		slices.Sort(f) // for the binary search, whatever order the database chose
	}
	return l, nil
}
