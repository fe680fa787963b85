package sla

// The admin's side: reading and setting the office's hours, its holidays and the
// targets. Staff (executors, heads, admins) may read them, since they work to
// them; only administrators change them. Every refusal of input is a field error
// with a translation key.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// Service reads and edits the service levels.
type Service struct {
	db  *db.DB
	loc *time.Location
	now func() time.Time
}

// NewService returns the service levels on d, in the office's zone loc (UTC when
// nil); now is the clock (time.Now when nil).
func NewService(d *db.DB, loc *time.Location, now func() time.Time) *Service {
	if loc == nil {
		loc = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, loc: loc, now: now}
}

// Location is the office's time zone.
func (s *Service) Location() *time.Location { return s.loc }

var (
	errForbidden = apperr.New(apperr.Forbidden, "error.forbidden")
	errNotFound  = apperr.New(apperr.NotFound, "error.not_found")
)

func requireStaff(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !actor.IsStaff() {
		return errForbidden
	}
	return nil
}

func requireAdmin(actor *users.User) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	if !actor.IsAdmin() {
		return errForbidden
	}
	return nil
}

// Holiday is one closed date.
type Holiday struct {
	// Day is the local date, "2006-01-02".
	Day  string `json:"day"`
	Name string `json:"name"`
}

// ProblemTarget is a problem type with its target.
type ProblemTarget struct {
	ID     int64
	NameEN string
	NameRU string
	Target
}

// Settings is everything the service-levels page shows.
type Settings struct {
	// Week is indexed by time.Weekday; a zero Hours is closed.
	Week     [7]Hours
	Holidays []Holiday
	Problems []ProblemTarget
	// Rules are the routing rules' own targets, by rule id (rules without one
	// are absent).
	Rules map[int64]Target
	// Zone is the office's time zone's name.
	Zone string
}

// RoundTheClock reports whether no hours are set (time counts 24/7).
func (st *Settings) RoundTheClock() bool {
	c := Calendar{Week: st.Week}
	return c.roundTheClock()
}

// Settings reads the hours, the holidays from a year ago on, and every problem
// type's and rule's targets; staff may.
func (s *Service) Settings(ctx context.Context, actor *users.User) (*Settings, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	c, err := LoadCalendar(ctx, s.db.R, s.loc, s.now())
	if err != nil {
		return nil, err
	}
	st := &Settings{Week: c.Week, Rules: map[int64]Target{}, Zone: s.loc.String()}
	since := s.now().In(s.loc).AddDate(-1, 0, 0).Format(time.DateOnly)
	rows, err := s.db.R.QueryContext(ctx, "SELECT day, name FROM office_holidays WHERE day >= $1 ORDER BY day", since)
	if err != nil {
		return nil, fmt.Errorf("sla: unable to read holidays: %w", err)
	}
	for rows.Next() {
		var h Holiday
		if err := rows.Scan(&h.Day, &h.Name); err != nil {
			rows.Close()
			return nil, err
		}
		st.Holidays = append(st.Holidays, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.R.QueryContext(ctx, "SELECT id, name_en, name_ru, COALESCE(take_minutes, 0), COALESCE(done_minutes, 0) FROM problem_types ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("sla: unable to read the targets: %w", err)
	}
	for rows.Next() {
		var p ProblemTarget
		if err := rows.Scan(&p.ID, &p.NameEN, &p.NameRU, &p.TakeMinutes, &p.DoneMinutes); err != nil {
			rows.Close()
			return nil, err
		}
		st.Problems = append(st.Problems, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT id, COALESCE(take_minutes, 0), COALESCE(done_minutes, 0) FROM routing_rules
	WHERE take_minutes IS NOT NULL OR done_minutes IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("sla: unable to read the rules' targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t Target
		if err := rows.Scan(&id, &t.TakeMinutes, &t.DoneMinutes); err != nil {
			return nil, err
		}
		st.Rules[id] = t
	}
	return st, rows.Err()
}

// TargetInput is a target as typed ("30m", "2h", "" for none); see ParseTarget.
type TargetInput struct {
	Take, Done string
}

// parse validates in into a Target, adding field errors to f.
func (in TargetInput) parse(f *apperr.Fields) Target {
	var t Target
	var key string
	if t.TakeMinutes, key = ParseTarget(in.Take); key != "" {
		f.Add("take", key, "Max", MaxTargetMinutes/60)
	}
	if t.DoneMinutes, key = ParseTarget(in.Done); key != "" {
		f.Add("done", key, "Max", MaxTargetMinutes/60)
	}
	if f.Err() == nil && t.TakeMinutes > 0 && t.DoneMinutes > 0 && t.TakeMinutes > t.DoneMinutes {
		f.Add("take", "sla.take_after_done")
	}
	return t
}

func nullMinutes(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}

// SetProblemTarget sets problem type id's targets (admins). Tickets filed from
// now on get due times from them; tickets already filed keep theirs.
func (s *Service) SetProblemTarget(ctx context.Context, actor *users.User, id int64, in TargetInput) (Target, error) {
	return s.setTarget(ctx, actor, "problem_types", audit.CatalogueUpdated, "problem type", id, in)
}

// SetRuleTarget sets routing rule id's own targets (admins); an empty one falls
// back to the problem type's.
func (s *Service) SetRuleTarget(ctx context.Context, actor *users.User, id int64, in TargetInput) (Target, error) {
	return s.setTarget(ctx, actor, "routing_rules", audit.RuleUpdated, "rule", id, in)
}

// setTarget writes the two target columns of table (a constant of this file,
// never input) for row id, with an audit entry.
func (s *Service) setTarget(ctx context.Context, actor *users.User, table, kind, what string, id int64, in TargetInput) (Target, error) {
	if err := requireAdmin(actor); err != nil {
		return Target{}, err
	}
	var f apperr.Fields
	t := in.parse(&f)
	if err := f.Err(); err != nil {
		return Target{}, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var before Target
		err := tx.QueryRowContext(ctx, "SELECT COALESCE(take_minutes, 0), COALESCE(done_minutes, 0) FROM "+table+" WHERE id = $1", id).
			Scan(&before.TakeMinutes, &before.DoneMinutes)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("sla: unable to read the targets: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET take_minutes = $2, done_minutes = $3 WHERE id = $1",
			id, nullMinutes(t.TakeMinutes), nullMinutes(t.DoneMinutes)); err != nil {
			return fmt.Errorf("sla: unable to set the targets: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: actor.ID, ActorEmail: actor.Email, Kind: kind,
			Subject: what + " " + strconv.FormatInt(id, 10) + " targets", Before: before, After: t})
	})
	if err != nil {
		return Target{}, err
	}
	return t, nil
}

var hoursRE = regexp.MustCompile(`^([01]?\d|2[0-4]):([0-5]\d)$`)

// ParseClock reads "09:00" (up to "24:00") as minutes after midnight.
func ParseClock(s string) (int, bool) {
	m := hoursRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	if h == 24 && mm != 0 {
		return 0, false
	}
	return h*60 + mm, true
}

// FormatClock writes minutes after midnight as "09:00".
func FormatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// DayInput is one weekday's hours as typed: both empty is closed.
type DayInput struct {
	Opens, Closes string
}

// SetHours replaces the office's weekly hours (admins); week is indexed by
// time.Weekday. A day with both times empty is closed; all days closed is
// "around the clock". Tickets already filed keep their due times.
func (s *Service) SetHours(ctx context.Context, actor *users.User, week [7]DayInput) ([7]Hours, error) {
	var out [7]Hours
	if err := requireAdmin(actor); err != nil {
		return out, err
	}
	var f apperr.Fields
	for i, d := range week {
		field := "hours." + strings.ToLower(time.Weekday(i).String())
		if strings.TrimSpace(d.Opens) == "" && strings.TrimSpace(d.Closes) == "" {
			continue
		}
		o, ok1 := ParseClock(d.Opens)
		c, ok2 := ParseClock(d.Closes)
		switch {
		case !ok1 || !ok2:
			f.Add(field, "sla.hours_invalid")
		case c <= o || o >= 1440:
			f.Add(field, "sla.hours_order")
		default:
			out[i] = Hours{Opens: o, Closes: c}
		}
	}
	if err := f.Err(); err != nil {
		return [7]Hours{}, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := weekTx(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM office_hours"); err != nil {
			return fmt.Errorf("sla: unable to set office hours: %w", err)
		}
		for i, h := range out {
			if !h.Open() {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO office_hours (weekday, opens, closes) VALUES ($1, $2, $3)", i, h.Opens, h.Closes); err != nil {
				return fmt.Errorf("sla: unable to set office hours: %w", err)
			}
		}
		after := weekWords(out)
		if fmt.Sprint(before) == fmt.Sprint(after) {
			return nil // the same hours again: no change to record
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: actor.ID, ActorEmail: actor.Email,
			Kind: audit.OfficeHours, Subject: "office hours", Before: before, After: after})
	})
	return out, err
}

// weekTx reads the stored weekly hours, for the audit entry's "before".
func weekTx(ctx context.Context, tx *sql.Tx) (map[string]string, error) {
	var week [7]Hours
	rows, err := tx.QueryContext(ctx, "SELECT weekday, opens, closes FROM office_hours")
	if err != nil {
		return nil, fmt.Errorf("sla: unable to read office hours: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d, o, c int
		if err := rows.Scan(&d, &o, &c); err != nil {
			return nil, fmt.Errorf("sla: unable to read office hours: %w", err)
		}
		if d >= 0 && d < 7 {
			week[d] = Hours{Opens: o, Closes: c}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sla: unable to read office hours: %w", err)
	}
	return weekWords(week), nil
}

// weekWords writes the open days as "monday": "09:00-18:00" (closed days left
// out), the form the audit trail shows.
func weekWords(week [7]Hours) map[string]string {
	out := map[string]string{}
	for i, h := range week {
		if h.Open() {
			out[strings.ToLower(time.Weekday(i).String())] = FormatClock(h.Opens) + "-" + FormatClock(h.Closes)
		}
	}
	return out
}

// MaxHolidayName is the longest holiday name, in characters.
const MaxHolidayName = 100

// AddHoliday adds (or renames) a closed date (admins); day is "2006-01-02".
func (s *Service) AddHoliday(ctx context.Context, actor *users.User, day, name string) (Holiday, error) {
	if err := requireAdmin(actor); err != nil {
		return Holiday{}, err
	}
	var f apperr.Fields
	day, name = strings.TrimSpace(day), strings.TrimSpace(name)
	if t, err := time.Parse(time.DateOnly, day); err != nil || t.Year() < 2000 || t.Year() > 2100 {
		f.Add("day", "sla.holiday_invalid")
	}
	if !utf8.ValidString(name) || strings.ContainsRune(name, 0) || utf8.RuneCountInString(name) > MaxHolidayName {
		f.Add("name", "sla.holiday_name_invalid", "Max", MaxHolidayName)
	}
	if err := f.Err(); err != nil {
		return Holiday{}, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var before any
		var old string
		switch err := tx.QueryRowContext(ctx, "SELECT name FROM office_holidays WHERE day = $1", day).Scan(&old); {
		case err == nil:
			before = Holiday{Day: day, Name: old}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("sla: unable to add a holiday: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM office_holidays WHERE day = $1", day); err != nil {
			return fmt.Errorf("sla: unable to add a holiday: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO office_holidays (day, name) VALUES ($1, $2)", day, name); err != nil {
			return fmt.Errorf("sla: unable to add a holiday: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: actor.ID, ActorEmail: actor.Email,
			Kind: audit.HolidayAdded, Subject: "holiday " + day, Before: before, After: Holiday{Day: day, Name: name}})
	})
	return Holiday{Day: day, Name: name}, err
}

// RemoveHoliday removes a closed date (admins); an absent one is NotFound.
func (s *Service) RemoveHoliday(ctx context.Context, actor *users.User, day string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	day = strings.TrimSpace(day)
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, "SELECT name FROM office_holidays WHERE day = $1", day).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("sla: unable to remove a holiday: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM office_holidays WHERE day = $1", day); err != nil {
			return fmt.Errorf("sla: unable to remove a holiday: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: actor.ID, ActorEmail: actor.Email,
			Kind: audit.HolidayRemoved, Subject: "holiday " + day, Before: Holiday{Day: day, Name: name}})
	})
}
