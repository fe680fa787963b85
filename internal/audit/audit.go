// Package audit is the audit trail: who changed what, when, from which address, and
// the thing before and after the change. Each domain module calls Record with the
// *sql.Tx of the change itself, so an entry exists exactly when its change was
// committed. The table is append-only: nothing in the product updates or deletes an
// entry.
//
// The actor's address travels in the context of the domain call: the HTTP host puts
// the request's client address there (WithAddr, through the source the app installs
// with SetAddrSource), so no domain function grows an argument for it. Changes made
// from the command line have no address ("").
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"
)

// Kinds of entries: what was changed, and how. The pages translate them
// ("audit.kind.<kind>") and filter by them.
const (
	UserUpdated = "user.updated"
	UserCreated = "user.created"
	// UserAvailability is an executor's own "available" / "away" switch; an
	// admin's change of it is part of UserUpdated.
	UserAvailability  = "user.availability"
	DepartmentCreated = "department.created"
	DepartmentUpdated = "department.updated"
	DepartmentDeleted = "department.deleted"
	// The department's Telegram group: a /link code made (never the code itself),
	// a group bound with it, the group unbound.
	TelegramCode      = "department.telegram_code"
	TelegramBound     = "department.telegram_bound"
	TelegramUnbound   = "department.telegram_unbound"
	TokenCreated      = "token.created"
	TokenRevoked      = "token.revoked"
	RuleCreated       = "rule.created"
	RuleUpdated       = "rule.updated"
	RuleDeleted       = "rule.deleted"
	DefaultDepartment = "rule.default_department"
	RulesImported     = "rule.imported"
	AssetCreated      = "asset.created"
	AssetUpdated      = "asset.updated"
	AssetDeleted      = "asset.deleted"
	AssetCodeReissued = "asset.code_reissued"
	AssetsImported    = "asset.imported"
	CatalogueCreated  = "catalogue.created"
	CatalogueUpdated  = "catalogue.updated"
	CatalogueDeleted  = "catalogue.deleted"
	CatalogueOffers   = "catalogue.offers"
	CatalogueStarter  = "catalogue.starter"
	// An admin's hand on the delivery of notifications: one queued again, a
	// channel that was down resumed (its failed messages queued again).
	NotificationRetried = "notification.retried"
	ChannelResumed      = "notification.channel_resumed"
	// Upkeep plans (internal/upkeep): made, changed, paused or resumed, deleted,
	// and filed at once by hand ("file now"; the scheduler's own filings are
	// the tickets' history, not a person's change).
	UpkeepCreated  = "upkeep.created"
	UpkeepUpdated  = "upkeep.updated"
	UpkeepPaused   = "upkeep.paused"
	UpkeepResumed  = "upkeep.resumed"
	UpkeepDeleted  = "upkeep.deleted"
	UpkeepFiledNow = "upkeep.filed_now"
	// The office's calendar for service levels (internal/sla): the weekly hours
	// replaced, a holiday added (or renamed) or removed.
	OfficeHours    = "settings.office_hours"
	HolidayAdded   = "settings.holiday_added"
	HolidayRemoved = "settings.holiday_removed"
)

// Kinds lists every kind, in the order the filter offers them.
var Kinds = []string{
	UserCreated, UserUpdated, UserAvailability, DepartmentCreated, DepartmentUpdated, DepartmentDeleted,
	TelegramCode, TelegramBound, TelegramUnbound, TokenCreated, TokenRevoked,
	RuleCreated, RuleUpdated, RuleDeleted, DefaultDepartment, RulesImported,
	AssetCreated, AssetUpdated, AssetDeleted, AssetCodeReissued, AssetsImported,
	CatalogueCreated, CatalogueUpdated, CatalogueDeleted, CatalogueOffers, CatalogueStarter,
	NotificationRetried, ChannelResumed,
	UpkeepCreated, UpkeepUpdated, UpkeepPaused, UpkeepResumed, UpkeepDeleted, UpkeepFiledNow,
	OfficeHours, HolidayAdded, HolidayRemoved,
}

// Entry is one change.
type Entry struct {
	// At is when it was made (the domain's clock).
	At time.Time
	// ActorID and ActorEmail name who made it; the e-mail is kept so the entry still
	// names them after the account is gone.
	ActorID    int64
	ActorEmail string
	// Kind is one of the constants above.
	Kind string
	// Subject names what was changed, for people: "user 12 ann@example.com",
	// "department it", "rule 7".
	Subject string
	// Before and After are the thing's state around the change, marshalled to JSON;
	// nil for "did not exist" (a creation's Before, a deletion's After).
	Before, After any
}

// Record appends e to the audit trail inside tx, the change's own transaction. The
// address is the one the context carries (WithAddr).
func Record(ctx context.Context, tx *sql.Tx, e Entry) error {
	before, err := asJSON(e.Before)
	if err != nil {
		return err
	}
	after, err := asJSON(e.After)
	if err != nil {
		return err
	}
	// The actor is linked only when the account exists: a change made by the system
	// or an operator's tool names no account, and its entry must still be written.
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_email, addr, kind, subject, before_json, after_json)
		VALUES ($1, (SELECT id FROM users WHERE id = $2), $3, $4, $5, $6, $7, $8)`, e.At.UTC(), e.ActorID, e.ActorEmail, Addr(ctx), e.Kind, e.Subject, before, after); err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Kind, err)
	}
	return nil
}

func asJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

type addrKey struct{}

// WithAddr returns ctx carrying the client address of the change.
func WithAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// addrSource reads the address from a request's context when WithAddr was not used
// (the HTTP host's own record of it); installed once by the app.
var addrSource atomic.Pointer[func(context.Context) string]

// SetAddrSource installs the function that finds the client address in a request's
// context. The app installs the HTTP host's, so every face's domain calls carry it.
func SetAddrSource(f func(context.Context) string) { addrSource.Store(&f) }

// Addr is the client address the context carries ("" when none: the command line,
// a job).
func Addr(ctx context.Context) string {
	if a, ok := ctx.Value(addrKey{}).(string); ok {
		return a
	}
	if f := addrSource.Load(); f != nil {
		return (*f)(ctx)
	}
	return ""
}
