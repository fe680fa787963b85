package assets

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/cache"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// Asset is a device or service point with its QR code.
type Asset struct {
	ID int64
	// Code is the opaque random QR code: 80 random bits, 16 characters of base32.
	Code            string
	Name            string
	TypeID          int64
	InventoryNumber string
	Location        Location
	Instructions    string
	// OwnerID marks a personal device (a laptop): only its owner, staff and admins see it.
	OwnerID       int64
	Archived      bool
	ScanCount     int64
	LastScannedAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Location is where a device is.
type Location struct {
	Building, Floor, Room string
}

// String is the location as one line.
func (l Location) String() string {
	var parts []string
	for _, p := range []string{l.Building, l.Floor, l.Room} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

var codeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// CodeLen is the length of an asset code.
const CodeLen = 16

// newCode returns a fresh random code (80 bits).
func newCode() string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("assets: no randomness: %v", err))
	}
	return strings.ToLower(codeEncoding.EncodeToString(b))
}

// ValidCode reports whether s has the shape of a code, so malformed codes (10 KB
// long, "../", Unicode) are answered without touching the database.
func ValidCode(s string) bool {
	if len(s) != CodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// CanSee reports whether actor may see a: a personal device is visible to its
// owner, to staff and to admins only.
func CanSee(actor *users.User, a *Asset) bool {
	if actor == nil {
		return false
	}
	return a.OwnerID == 0 || a.OwnerID == actor.ID || actor.IsStaff()
}

// assetCols lists the columns scanAsset reads, each prefixed by p ("a." in joins).
func assetCols(p string) string {
	return p + "id, " + p + "code, " + p + "name, " + p + "type_id, COALESCE(" + p + "inventory_number, ''), " + p + "building, " +
		p + "floor, " + p + "room, " + p + "instructions, COALESCE(" + p + "owner_id, 0), " + p + "archived, " + p + "scan_count, " +
		p + "last_scanned_at, " + p + "created_at, " + p + "updated_at"
}

var assetColumns = assetCols("")

func scanAsset(row interface{ Scan(...any) error }) (*Asset, error) {
	a := &Asset{}
	var last sql.NullTime
	if err := row.Scan(&a.ID, &a.Code, &a.Name, &a.TypeID, &a.InventoryNumber, &a.Location.Building, &a.Location.Floor, &a.Location.Room,
		&a.Instructions, &a.OwnerID, &a.Archived, &a.ScanCount, &last, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	if last.Valid {
		t := last.Time
		a.LastScannedAt = &t
	}
	return a, nil
}

func getAsset(ctx context.Context, q querier, where string, arg any) (*Asset, error) {
	a, err := scanAsset(q.QueryRowContext(ctx, "SELECT "+assetColumns+" FROM assets WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("assets: unable to read asset: %w", err)
	}
	return a, nil
}

// Asset returns the device with id if actor may see it; hidden and absent devices
// get the same NotFound.
func (s *Service) Asset(ctx context.Context, actor *users.User, id int64) (*Asset, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	a, err := getAsset(ctx, s.db.R, "id = $1", id)
	if err != nil {
		return nil, err
	}
	if !CanSee(actor, a) {
		return nil, notFound
	}
	return a, nil
}

// ErrReplaced means the code was re-issued: the label is outdated.
var ErrReplaced = apperr.New(apperr.NotFound, "device.label_replaced")

// Scan resolves a QR code for actor and counts the scan. Unknown, malformed and
// hidden codes give the same NotFound; a re-issued code gives ErrReplaced (also a
// NotFound, so it never leads to the device).
func (s *Service) Scan(ctx context.Context, actor *users.User, code string) (*Asset, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	if !ValidCode(code) {
		return nil, notFound
	}
	now := s.now().UTC()
	if b := s.scans.Load(); b != nil {
		// Batched: the visibility rule is checked before the count, so a look at
		// a device one may not see is neither shown nor counted.
		a, err := s.byCode(ctx, actor, code)
		if err != nil {
			return nil, err
		}
		b.add(a.ID, now, 1)
		if actor.IsAdmin() {
			a.ScanCount++
			a.LastScannedAt = &now
		}
		return a, nil
	}
	// The counter moves in the same statement that matches the code, so a scan
	// racing a re-issue lands on the device the code named at that instant or on
	// none; the visibility rule (CanSee) is in the statement too, so a colleague's
	// look at someone's laptop is neither shown nor counted.
	a, err := scanAsset(s.db.W.QueryRowContext(ctx, "UPDATE assets SET scan_count = scan_count + 1, last_scanned_at = $1 "+
		"WHERE code = $2 AND (owner_id IS NULL OR owner_id = $3 OR $4) RETURNING "+assetColumns, now, code, actor.ID, actor.IsStaff()))
	if errors.Is(err, sql.ErrNoRows) {
		var one int
		if err := s.db.R.QueryRowContext(ctx, "SELECT 1 FROM retired_codes WHERE code = $1", code).Scan(&one); err == nil {
			return nil, ErrReplaced
		}
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("assets: unable to record a scan: %w", err)
	}
	if !CanSee(actor, a) {
		return nil, notFound
	}
	return a, nil
}

// AssetInput is a device as an admin creates or edits it.
type AssetInput struct {
	Name            string
	TypeID          int64
	InventoryNumber string
	Location        Location
	Instructions    string
	OwnerID         int64
	Archived        bool
}

const maxInstructions = 10000

func (s *Service) validAsset(ctx context.Context, q querier, in *AssetInput) error {
	var f apperr.Fields
	checkAssetFields(&f, in)
	var one int
	if err := q.QueryRowContext(ctx, "SELECT 1 FROM service_types WHERE id = $1", in.TypeID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		f.Add("service_type_id", "catalogue.type_unknown")
	} else if err != nil {
		return err
	}
	if in.OwnerID != 0 {
		if err := q.QueryRowContext(ctx, "SELECT 1 FROM users WHERE id = $1", in.OwnerID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			f.Add("owner_id", "catalogue.owner_unknown")
		} else if err != nil {
			return err
		}
	}
	return f.Err()
}

// checkAssetFields trims the texts of in and checks them, without the database.
func checkAssetFields(f *apperr.Fields, in *AssetInput) {
	in.Name = strings.TrimSpace(in.Name)
	in.InventoryNumber = strings.TrimSpace(in.InventoryNumber)
	in.Location.Building, in.Location.Floor, in.Location.Room = strings.TrimSpace(in.Location.Building), strings.TrimSpace(in.Location.Floor), strings.TrimSpace(in.Location.Room)
	in.Instructions = strings.TrimSpace(in.Instructions)
	if in.Name == "" {
		f.Add("name", "validation.name_required")
	}
	lineField(f, "name", in.Name, 200)
	lineField(f, "inventory_number", in.InventoryNumber, 200)
	lineField(f, "building", in.Location.Building, 200)
	lineField(f, "floor", in.Location.Floor, 200)
	lineField(f, "room", in.Location.Room, 200)
	textField(f, "instructions", in.Instructions, maxInstructions)
}

func nullable[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

func searchText(in AssetInput) string {
	return strings.ToLower(strings.Join([]string{in.Name, in.InventoryNumber, in.Location.Building, in.Location.Floor, in.Location.Room}, " "))
}

var dupInventory = &apperr.Error{Code: apperr.Invalid, Key: "catalogue.inventory_taken",
	Fields: []apperr.FieldError{{Field: "inventory_number", Key: "catalogue.inventory_taken"}}}

// CreateAsset adds a device with a fresh code (admin).
func (s *Service) CreateAsset(ctx context.Context, actor *users.User, in AssetInput) (*Asset, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	id, err := s.audited(ctx, actor, audit.AssetCreated, "asset", 0, readAsset, func(tx *sql.Tx) (int64, error) {
		return s.insertAssetTx(ctx, tx, in)
	})
	if err != nil {
		return nil, err
	}
	return getAsset(ctx, s.db.R, "id = $1", id)
}

func (s *Service) insertAssetTx(ctx context.Context, tx *sql.Tx, in AssetInput) (int64, error) {
	if err := s.validAsset(ctx, tx, &in); err != nil {
		return 0, err
	}
	return insertAssetRow(ctx, tx, in, s.now().UTC())
}

// insertAssetRow writes a validated device with a fresh code.
func insertAssetRow(ctx context.Context, tx *sql.Tx, in AssetInput, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "INSERT INTO assets (code, name, type_id, inventory_number, building, floor, room, instructions, owner_id, archived, search, created_at, updated_at) "+
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
		newCode(), in.Name, in.TypeID, nullable(in.InventoryNumber), in.Location.Building, in.Location.Floor, in.Location.Room, in.Instructions,
		nullable(in.OwnerID), in.Archived, searchText(in), now).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, dupInventory
	}
	if err != nil {
		return 0, fmt.Errorf("assets: unable to create asset: %w", err)
	}
	return id, nil
}

// UpdateAsset changes a device (admin); its code stays.
func (s *Service) UpdateAsset(ctx context.Context, actor *users.User, id int64, in AssetInput) (*Asset, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if err := s.validAsset(ctx, s.db.R, &in); err != nil {
		return nil, err
	}
	_, err := s.audited(ctx, actor, audit.AssetUpdated, "asset", id, readAsset, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, "UPDATE assets SET name = $1, type_id = $2, inventory_number = $3, building = $4, floor = $5, room = $6, "+
			"instructions = $7, owner_id = $8, archived = $9, search = $10, updated_at = $11 WHERE id = $12",
			in.Name, in.TypeID, nullable(in.InventoryNumber), in.Location.Building, in.Location.Floor, in.Location.Room, in.Instructions,
			nullable(in.OwnerID), in.Archived, searchText(in), s.now().UTC(), id)
		if db.IsUniqueViolation(err) {
			return 0, dupInventory
		}
		return id, affected(res, err)
	})
	if err != nil {
		return nil, err
	}
	return getAsset(ctx, s.db.R, "id = $1", id)
}

// DeleteAsset removes a device nothing refers to (admin); otherwise archive it.
func (s *Service) DeleteAsset(ctx context.Context, actor *users.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	_, err := s.audited(ctx, actor, audit.AssetDeleted, "asset", id, readAsset, func(tx *sql.Tx) (int64, error) {
		return id, deleted(tx.ExecContext(ctx, "DELETE FROM assets WHERE id = $1", id))("catalogue.asset_in_use")
	})
	return err
}

// ReissueCode gives a device a new code (admin): the old one then says "label
// replaced" and leads nowhere.
func (s *Service) ReissueCode(ctx context.Context, actor *users.User, id int64) (*Asset, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	_, err := s.audited(ctx, actor, audit.AssetCodeReissued, "asset", id, readAsset, func(tx *sql.Tx) (int64, error) {
		return id, s.reissueTx(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return getAsset(ctx, s.db.R, "id = $1", id)
}

// reissueTx retires the device's code and gives it a new one.
func (s *Service) reissueTx(ctx context.Context, tx *sql.Tx, id int64) error {
	now := s.now().UTC()
	// Lock the row before reading its code (SQLite has no SELECT … FOR UPDATE;
	// its writer lock already serialises). Without the lock two re-issues at once
	// on PostgreSQL both read the same code and the second fails to retire it again.
	if err := affected(tx.ExecContext(ctx, "UPDATE assets SET updated_at = $1 WHERE id = $2", now, id)); err != nil {
		return err
	}
	a, err := getAsset(ctx, tx, "id = $1", id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO retired_codes (code, asset_id, retired_at) VALUES ($1, $2, $3)", a.Code, id, now); err != nil {
		return fmt.Errorf("assets: unable to retire code: %w", err)
	}
	_, err = tx.ExecContext(ctx, "UPDATE assets SET code = $1, updated_at = $2 WHERE id = $3", newCode(), now, id)
	return err
}

// byCode is the device with code for actor: NotFound for an unknown or hidden
// code, ErrReplaced for a re-issued one. Others read it from the cache under the
// request's catalogue version; an administrator, who sees the scan counter, reads
// the row and the counts not yet written.
func (s *Service) byCode(ctx context.Context, actor *users.User, code string) (*Asset, error) {
	version, versioned := cache.CatalogueVersion(ctx)
	versioned = versioned && !actor.IsAdmin()
	var a *Asset
	if versioned {
		if c, ok := s.byCodeCache.Get(code, version); ok {
			a = c.clone()
		}
	}
	if a == nil {
		var err error
		a, err = getAsset(ctx, s.db.R, "code = $1", code)
		if errors.Is(err, notFound) {
			var one int
			switch err := s.db.R.QueryRowContext(ctx, "SELECT 1 FROM retired_codes WHERE code = $1", code).Scan(&one); {
			case err == nil:
				return nil, ErrReplaced
			case !errors.Is(err, sql.ErrNoRows):
				return nil, fmt.Errorf("assets: unable to read retired codes: %w", err)
			}
			return nil, notFound
		}
		if err != nil {
			return nil, err
		}
		if versioned {
			s.byCodeCache.Put(code, version, a.clone())
		}
	}
	if !CanSee(actor, a) {
		return nil, notFound
	}
	if b := s.scans.Load(); b != nil && actor.IsAdmin() {
		if p := b.peek(a.ID); p.n > 0 {
			a.ScanCount += p.n
			if a.LastScannedAt == nil || p.last.After(*a.LastScannedAt) {
				last := p.last
				a.LastScannedAt = &last
			}
		}
	}
	return a, nil
}

// clone copies a, so no caller's change reaches the cache.
func (a *Asset) clone() *Asset {
	c := *a
	if a.LastScannedAt != nil {
		t := *a.LastScannedAt
		c.LastScannedAt = &t
	}
	return &c
}
