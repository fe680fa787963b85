package notify

// Preferences: per kind of message, Telegram, mail, both or nothing; and quiet
// hours in the office's time zone. A kind a person never chose keeps its default
// (DefaultPrefs); no quiet hours unless set.

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// Choices of channels for one kind of message.
const (
	ChoiceBoth     = "both"
	ChoiceTelegram = "telegram"
	ChoiceMail     = "mail"
	ChoiceNone     = "none"
)

// Choices lists the choices in the order forms show them.
var Choices = []string{ChoiceBoth, ChoiceTelegram, ChoiceMail, ChoiceNone}

// Pref says which channels carry one kind of message to one person.
type Pref struct{ Telegram, Mail bool }

// Choice is p as one of Choices.
func (p Pref) Choice() string {
	switch {
	case p.Telegram && p.Mail:
		return ChoiceBoth
	case p.Telegram:
		return ChoiceTelegram
	case p.Mail:
		return ChoiceMail
	}
	return ChoiceNone
}

func prefOf(choice string) (Pref, bool) {
	switch choice {
	case ChoiceBoth:
		return Pref{Telegram: true, Mail: true}, true
	case ChoiceTelegram:
		return Pref{Telegram: true}, true
	case ChoiceMail:
		return Pref{Mail: true}, true
	case ChoiceNone:
		return Pref{}, true
	}
	return Pref{}, false
}

// DefaultPrefs are the channels of a kind nobody chose: what is one's own work
// (assigned, escalated, unrouted) and what closes a ticket (done, cancelled,
// reopened) come by Telegram and mail; progress (taken) and comments, which
// come often, by Telegram alone. KindWaiting goes to a department's chat and
// has no personal preference.
var DefaultPrefs = map[string]Pref{
	KindAssigned:  {Telegram: true, Mail: true},
	KindTaken:     {Telegram: true},
	KindDone:      {Telegram: true, Mail: true},
	KindCancelled: {Telegram: true, Mail: true},
	KindReopened:  {Telegram: true, Mail: true},
	KindComment:   {Telegram: true},
	KindEscalated: {Telegram: true, Mail: true},
	KindUnrouted:  {Telegram: true, Mail: true},
	// Service levels: a reminder of one's own work, and a promise broken.
	KindSLAAtRisk:   {Telegram: true, Mail: true},
	KindSLABreached: {Telegram: true, Mail: true},
}

// PrefKinds are the kinds a person sets preferences for, in display order.
var PrefKinds = []string{KindAssigned, KindTaken, KindDone, KindCancelled, KindReopened, KindComment, KindEscalated, KindUnrouted,
	KindSLAAtRisk, KindSLABreached}

// KindsFor are the kinds that can reach u: everyone follows tickets; executors
// get assignments, heads escalations, admins unrouted tickets.
func KindsFor(u *users.User) []string {
	var out []string
	for _, k := range PrefKinds {
		switch {
		case k == KindAssigned && !u.Has(users.RoleExecutor),
			k == KindEscalated && !u.Has(users.RoleHead),
			k == KindSLAAtRisk && !u.Has(users.RoleExecutor) && !u.Has(users.RoleHead),
			k == KindSLABreached && !u.Has(users.RoleHead),
			k == KindUnrouted && !u.IsAdmin():
			continue
		}
		out = append(out, k)
	}
	return out
}

// Settings are a person's notification preferences.
type Settings struct {
	// Prefs has every kind of PrefKinds.
	Prefs map[string]Pref
	// Quiet is the quiet hours window; Quiet.Set false means none.
	Quiet QuietHours
}

// QuietHours is a daily window, in minutes after midnight in the office's zone,
// during which messages wait; From > To crosses midnight.
type QuietHours struct {
	Set      bool
	From, To int
}

// FromText and ToText are the window's ends as "HH:MM" ("" when not set).
func (q QuietHours) FromText() string { return q.text(q.From) }

// ToText is the window's end as "HH:MM".
func (q QuietHours) ToText() string { return q.text(q.To) }

func (q QuietHours) text(m int) string {
	if !q.Set {
		return ""
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// end is when a message made at now may leave: now outside the window, else the
// window's end, in loc (a day with a clock change included).
func (q QuietHours) end(now time.Time, loc *time.Location) time.Time {
	if !q.Set || q.From == q.To {
		return now
	}
	local := now.In(loc)
	m := local.Hour()*60 + local.Minute()
	y, mo, d := local.Date()
	at := func(day int) time.Time {
		return time.Date(y, mo, day, q.To/60, q.To%60, 0, 0, loc).UTC()
	}
	if q.From < q.To {
		if m >= q.From && m < q.To {
			return at(d)
		}
		return now
	}
	switch {
	case m >= q.From:
		return at(d + 1)
	case m < q.To:
		return at(d)
	}
	return now
}

// SettingsInput is a change of preferences as a form or the API sends it: a
// choice per kind (kinds left out keep theirs), and the quiet hours as "HH:MM"
// (both empty: none).
type SettingsInput struct {
	Kinds     map[string]string
	QuietFrom string
	QuietTo   string
}

// Settings returns actor's preferences.
func (s *Service) Settings(ctx context.Context, actor *users.User) (*Settings, error) {
	if actor == nil {
		return nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	prefs, quiet, err := readSettings(ctx, s.db.R, actor.ID)
	if err != nil {
		return nil, err
	}
	return &Settings{Prefs: prefs, Quiet: quiet}, nil
}

// SaveSettings checks in and stores it as actor's preferences, all or nothing.
// Unknown kinds or choices and malformed quiet hours are field errors
// ("kinds.<kind>", "quiet_from", "quiet_to").
func (s *Service) SaveSettings(ctx context.Context, actor *users.User, in SettingsInput) (*Settings, error) {
	if actor == nil {
		return nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	var f apperr.Fields
	prefs := map[string]Pref{}
	kinds := make([]string, 0, len(in.Kinds))
	for k := range in.Kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if _, ok := DefaultPrefs[k]; !ok {
			f.Add("kinds."+k, "notify.kind_unknown", "Kinds", strings.Join(PrefKinds, ", "))
			continue
		}
		p, ok := prefOf(in.Kinds[k])
		if !ok {
			f.Add("kinds."+k, "notify.choice_unknown", "Choices", strings.Join(Choices, ", "))
			continue
		}
		prefs[k] = p
	}
	quiet := QuietHours{}
	from, fromOK := parseClock(in.QuietFrom)
	to, toOK := parseClock(in.QuietTo)
	switch {
	case strings.TrimSpace(in.QuietFrom) == "" && strings.TrimSpace(in.QuietTo) == "":
	case strings.TrimSpace(in.QuietFrom) == "":
		f.Add("quiet_from", "notify.quiet_both")
	case strings.TrimSpace(in.QuietTo) == "":
		f.Add("quiet_to", "notify.quiet_both")
	case !fromOK:
		f.Add("quiet_from", "notify.quiet_format")
		if !toOK {
			f.Add("quiet_to", "notify.quiet_format")
		}
	case !toOK:
		f.Add("quiet_to", "notify.quiet_format")
	case from == to:
		f.Add("quiet_to", "notify.quiet_same")
	default:
		quiet = QuietHours{Set: true, From: from, To: to}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, k := range kinds {
			p := prefs[k]
			if _, err := tx.ExecContext(ctx, "DELETE FROM notification_prefs WHERE user_id = $1 AND kind = $2", actor.ID, k); err != nil {
				return fmt.Errorf("notify: unable to save preferences: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO notification_prefs (user_id, kind, telegram, mail) VALUES ($1, $2, $3, $4)",
				actor.ID, k, p.Telegram, p.Mail); err != nil {
				return fmt.Errorf("notify: unable to save preferences: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM notification_quiet WHERE user_id = $1", actor.ID); err != nil {
			return fmt.Errorf("notify: unable to save quiet hours: %w", err)
		}
		if quiet.Set {
			if _, err := tx.ExecContext(ctx, "INSERT INTO notification_quiet (user_id, quiet_from, quiet_to) VALUES ($1, $2, $3)",
				actor.ID, quiet.From, quiet.To); err != nil {
				return fmt.Errorf("notify: unable to save quiet hours: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Settings(ctx, actor)
}

// parseClock reads "HH:MM" (24 hours; "7:05" too) as minutes after midnight.
func parseClock(v string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(v), ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// defaultPrefs is a copy of DefaultPrefs, for one person's settings.
func defaultPrefs() map[string]Pref {
	prefs := make(map[string]Pref, len(DefaultPrefs))
	for k, p := range DefaultPrefs {
		prefs[k] = p
	}
	return prefs
}

// readSettings reads a person's preferences (defaults filled in) and quiet
// hours, in one query, for the settings page; the recipients of an event have
// theirs read with them (loadPeople).
func readSettings(ctx context.Context, q querier, userID int64) (map[string]Pref, QuietHours, error) {
	prefs := defaultPrefs()
	var quiet QuietHours
	rows, err := q.QueryContext(ctx, `SELECT q.quiet_from, q.quiet_to, p.kind, p.telegram, p.mail FROM users u
	LEFT JOIN notification_quiet q ON q.user_id = u.id LEFT JOIN notification_prefs p ON p.user_id = u.id WHERE u.id = $1`, userID)
	if err != nil {
		return nil, quiet, fmt.Errorf("notify: unable to read preferences: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var from, to sql.NullInt64
		var kind sql.NullString
		var tg, ml sql.NullBool
		if err := rows.Scan(&from, &to, &kind, &tg, &ml); err != nil {
			return nil, quiet, fmt.Errorf("notify: unable to read preferences: %w", err)
		}
		if from.Valid && to.Valid {
			quiet = QuietHours{Set: true, From: int(from.Int64), To: int(to.Int64)}
		}
		if _, ok := DefaultPrefs[kind.String]; ok && kind.Valid {
			prefs[kind.String] = Pref{Telegram: tg.Bool, Mail: ml.Bool}
		}
	}
	return prefs, quiet, rows.Err()
}
