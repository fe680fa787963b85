package assets

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/csvsafe"
	"smartservice/internal/users"
)

// CSVColumns is the header of the device CSV, in the order ExportCSV writes it.
// ImportCSV accepts the columns in any order; name, class and type are required.
var CSVColumns = []string{"name", "class", "type", "inventory_number", "building", "floor", "room", "instructions", "owner_email", "archived"}

// Limits of one import: a bigger file is refused as a whole (TooLarge).
const (
	MaxImportBytes = 5 << 20
	MaxImportRows  = 10000
)

// ImportOptions adjust ImportCSVWith.
type ImportOptions struct {
	// DryRun checks every row and writes nothing.
	DryRun bool
	// CreateCatalogue creates a class or type that the file names and the catalogue
	// lacks (with no problem types offered yet); without it such a row is an error.
	CreateCatalogue bool
}

// RowError is one reason a row of the file is refused.
type RowError struct {
	// Line is the line of the file where the row starts; the header is line 1.
	Line int
	// Field is the column, or "" for the row as a whole.
	Field string
	// Key is the translation key of the reason, with its template arguments.
	Key  string
	Args []any
}

// ImportReport is what an import found and did.
type ImportReport struct {
	DryRun bool
	// Rows counts the data rows read (blank rows are skipped); Valid those without errors.
	Rows, Valid int
	// Imported counts the devices written: 0 on a dry run and whenever any row is bad.
	Imported int
	// NewClasses and NewTypes name the classes and types created (on a dry run: to be created).
	NewClasses, NewTypes []string
	// Errors lists every bad row's reasons, in file order.
	Errors []RowError
}

var errImportRefused = errors.New("assets: import refused")

// ImportCSV imports devices from CSV (admin); see ImportCSVWith.
func (s *Service) ImportCSV(ctx context.Context, actor *users.User, r io.Reader, dryRun bool) (*ImportReport, error) {
	return s.ImportCSVWith(ctx, actor, r, ImportOptions{DryRun: dryRun})
}

// ImportCSVWith imports devices from CSV (admin), UTF-8 with or without a BOM,
// comma- or semicolon-separated, with the header CSVColumns. A class or type is
// found by its English or Russian name, case-insensitively. Every row is checked
// and every bad one reported with its line and reason (unknown or foreign type,
// duplicate inventory number in the file or in the database, missing name, bad
// UTF-8, unknown owner…). The import is all-or-nothing: one transaction, and one
// bad row writes nothing; the report then comes with an Invalid error. A dry run
// returns the same report (and a nil error) without writing. Files over
// MaxImportBytes or MaxImportRows are refused (TooLarge) before any row is checked.
func (s *Service) ImportCSVWith(ctx context.Context, actor *users.User, r io.Reader, opts ImportOptions) (*ImportReport, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	buf, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("assets: unable to read the import: %w", err)
	}
	if len(buf) > MaxImportBytes {
		return nil, apperr.New(apperr.TooLarge, "catalogue.import_too_large", "MaxMB", MaxImportBytes>>20)
	}
	rep := &ImportReport{DryRun: opts.DryRun}
	rows := parseImport(buf, rep)
	if rep.Rows > MaxImportRows {
		return nil, apperr.New(apperr.TooLarge, "catalogue.import_too_many_rows", "Max", MaxImportRows)
	}
	if opts.DryRun {
		if _, err := s.checkImport(ctx, s.db.R, rows, rep, opts); err != nil {
			return nil, err
		}
		return rep, nil
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		plan, err := s.checkImport(ctx, tx, rows, rep, opts)
		if err != nil {
			return err
		}
		if len(rep.Errors) > 0 {
			return errImportRefused
		}
		ids, err := s.writeImport(ctx, tx, plan, rep)
		if err != nil {
			return err
		}
		// One entry for the whole import, not one per device: the import is one
		// all-or-nothing act of one admin (up to MaxImportRows devices, which would
		// bury every other change on the audit page), and the entry names every
		// device it made by id, so each device is still traceable to it.
		return audit.Record(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.ID, ActorEmail: actor.Email, Kind: audit.AssetsImported,
			Subject: "devices: a CSV import", After: importState{Imported: rep.Imported, NewClasses: rep.NewClasses, NewTypes: rep.NewTypes, AssetIDs: idRanges(ids)}})
	})
	if errors.Is(err, errImportRefused) {
		rep.Imported = 0
		return rep, apperr.New(apperr.Invalid, "catalogue.import_invalid")
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// importRow is one data row as read.
type importRow struct {
	line  int
	cells map[string]string
}

// parseImport reads the header and the rows, counting them in rep.Rows (it stops
// past MaxImportRows); problems of the file's shape (header, quoting, column
// counts) go into rep.Errors.
func parseImport(buf []byte, rep *ImportReport) []importRow {
	buf = bytes.TrimPrefix(buf, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(buf))
	// A spreadsheet set to Russian saves CSV with semicolons.
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	if !bytes.ContainsRune(first, ',') && bytes.ContainsRune(first, ';') {
		cr.Comma = ';'
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		rep.Errors = append(rep.Errors, RowError{Line: 1, Key: "catalogue.import_empty"})
		return nil
	}
	if err != nil {
		rep.Errors = append(rep.Errors, RowError{Line: 1, Key: "catalogue.import_syntax"})
		return nil
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	bad := false
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		cols[i] = h
		switch {
		case !isCSVColumn(h):
			rep.Errors = append(rep.Errors, RowError{Line: 1, Key: "catalogue.import_column_unknown", Args: []any{"Column", clip(h, 40)}})
			bad = true
		case seen[h]:
			rep.Errors = append(rep.Errors, RowError{Line: 1, Key: "catalogue.import_column_duplicate", Args: []any{"Column", h}})
			bad = true
		}
		seen[h] = true
	}
	for _, need := range []string{"name", "class", "type"} {
		if !seen[need] {
			rep.Errors = append(rep.Errors, RowError{Line: 1, Key: "catalogue.import_column_missing", Args: []any{"Column", need}})
			bad = true
		}
	}
	if bad {
		return nil
	}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows
		}
		var pe *csv.ParseError
		if err != nil && !(errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)) {
			// Broken quoting: where the next row starts is anyone's guess, so stop here.
			line := 0
			if pe != nil {
				line = pe.StartLine
			}
			rep.Errors = append(rep.Errors, RowError{Line: line, Key: "catalogue.import_syntax"})
			return rows
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if rep.Rows++; rep.Rows > MaxImportRows {
			return nil // the caller refuses the file
		}
		if err != nil {
			rep.Errors = append(rep.Errors, RowError{Line: line, Key: "catalogue.import_columns", Args: []any{"Want", len(cols), "Got", len(rec)}})
			continue
		}
		row := importRow{line: line, cells: make(map[string]string, len(cols))}
		for i, c := range cols {
			row.cells[c] = csvsafe.Unescape(rec[i])
		}
		rows = append(rows, row)
	}
}

func isCSVColumn(h string) bool {
	for _, c := range CSVColumns {
		if c == h {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// clip shortens s to n bytes on a rune boundary, for echoing input in a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// classEntry and typeEntry are the catalogue as an import sees it: what exists and
// what the import will create (ID 0 until written).
type classEntry struct {
	Class
	isNew bool
}

type typeEntry struct {
	ID    int64
	class *classEntry
	Names
	isNew bool
}

type importPlan struct {
	classes []*classEntry // new ones only
	types   []*typeEntry  // new ones only
	rows    []plannedRow
}

type plannedRow struct {
	line int
	typ  *typeEntry
	in   AssetInput
}

// checkImport checks every row against q and returns what to write; row problems
// go into rep.Errors, and only a failing database is an error.
func (s *Service) checkImport(ctx context.Context, q querier, rows []importRow, rep *ImportReport, opts ImportOptions) (*importPlan, error) {
	cat, err := loadImportCatalogue(ctx, q)
	if err != nil {
		return nil, err
	}
	plan := &importPlan{}
	owners := map[string]int64{}  // e-mail → user id, 0 when unknown
	inventory := map[string]int{} // inventory number → first line in the file
	for _, row := range rows {
		before := len(rep.Errors)
		bad := func(field, key string, args ...any) {
			rep.Errors = append(rep.Errors, RowError{Line: row.line, Field: field, Key: key, Args: args})
		}
		utf8OK := true
		for _, c := range CSVColumns {
			if v := row.cells[c]; !utf8.ValidString(v) {
				bad(c, "catalogue.import_not_utf8")
				utf8OK = false
			}
		}
		if !utf8OK {
			continue
		}
		in := AssetInput{Name: row.cells["name"], InventoryNumber: row.cells["inventory_number"],
			Location: Location{Building: row.cells["building"], Floor: row.cells["floor"], Room: row.cells["room"]}, Instructions: row.cells["instructions"]}
		var f apperr.Fields
		checkAssetFields(&f, &in)
		for _, fe := range f {
			bad(fe.Field, fe.Key, fe.Args...)
		}
		switch v := strings.ToLower(strings.TrimSpace(row.cells["archived"])); v {
		case "", "0", "false", "no", "нет":
		case "1", "true", "yes", "да":
			in.Archived = true
		default:
			bad("archived", "catalogue.import_archived_invalid")
		}
		if email := strings.ToLower(strings.TrimSpace(row.cells["owner_email"])); email != "" {
			id, known := owners[email]
			if !known {
				err := q.QueryRowContext(ctx, "SELECT id FROM users WHERE email = $1", email).Scan(&id)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return nil, fmt.Errorf("assets: unable to find an owner: %w", err)
				}
				owners[email] = id
			}
			if id == 0 {
				bad("owner_email", "catalogue.import_owner_unknown")
			}
			in.OwnerID = id
		}
		if inv := in.InventoryNumber; inv != "" && !f.Has("inventory_number") {
			if first, dup := inventory[inv]; dup {
				bad("inventory_number", "catalogue.import_inventory_repeated", "Line", first)
			} else {
				inventory[inv] = row.line
				var one int
				err := q.QueryRowContext(ctx, "SELECT 1 FROM assets WHERE inventory_number = $1", inv).Scan(&one)
				if err == nil {
					bad("inventory_number", "catalogue.inventory_taken")
				} else if !errors.Is(err, sql.ErrNoRows) {
					return nil, fmt.Errorf("assets: unable to check an inventory number: %w", err)
				}
			}
		}
		t := cat.resolve(strings.TrimSpace(row.cells["class"]), strings.TrimSpace(row.cells["type"]), opts.CreateCatalogue, plan, bad)
		if len(rep.Errors) > before {
			continue
		}
		plan.rows = append(plan.rows, plannedRow{line: row.line, typ: t, in: in})
		rep.Valid++
	}
	// The file's shape problems were found first; the report reads in file order.
	slices.SortStableFunc(rep.Errors, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
	for _, c := range plan.classes {
		rep.NewClasses = append(rep.NewClasses, c.name())
	}
	for _, t := range plan.types {
		rep.NewTypes = append(rep.NewTypes, t.class.name()+" / "+t.name())
	}
	return plan, nil
}

func (c *classEntry) name() string { return firstName(c.Names) }
func (t *typeEntry) name() string  { return firstName(t.Names) }

func firstName(n Names) string {
	if n.EN != "" {
		return n.EN
	}
	return n.RU
}

// importCatalogue indexes the classes and types by their lower-cased names.
type importCatalogue struct {
	classes map[string][]*classEntry
	types   map[string][]*typeEntry
}

func loadImportCatalogue(ctx context.Context, q querier) (*importCatalogue, error) {
	cat := &importCatalogue{classes: map[string][]*classEntry{}, types: map[string][]*typeEntry{}}
	byID := map[int64]*classEntry{}
	rows, err := q.QueryContext(ctx, "SELECT id, name_en, name_ru FROM service_classes ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("assets: unable to list classes: %w", err)
	}
	for rows.Next() {
		c := &classEntry{}
		if err := rows.Scan(&c.ID, &c.EN, &c.RU); err != nil {
			rows.Close()
			return nil, err
		}
		byID[c.ID] = c
		cat.addClass(c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, "SELECT id, class_id, name_en, name_ru FROM service_types ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("assets: unable to list types: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t := &typeEntry{}
		var classID int64
		if err := rows.Scan(&t.ID, &classID, &t.EN, &t.RU); err != nil {
			return nil, err
		}
		t.class = byID[classID]
		cat.addType(t)
	}
	return cat, rows.Err()
}

func nameKeys(n Names) []string {
	var keys []string
	for _, s := range []string{n.EN, n.RU} {
		if k := strings.ToLower(strings.TrimSpace(s)); k != "" && (len(keys) == 0 || keys[0] != k) {
			keys = append(keys, k)
		}
	}
	return keys
}

func (cat *importCatalogue) addClass(c *classEntry) {
	for _, k := range nameKeys(c.Names) {
		cat.classes[k] = append(cat.classes[k], c)
	}
}

func (cat *importCatalogue) addType(t *typeEntry) {
	for _, k := range nameKeys(t.Names) {
		cat.types[k] = append(cat.types[k], t)
	}
}

// resolve finds the type a row names (planning a new class or type when create is
// set), or reports why it cannot.
func (cat *importCatalogue) resolve(className, typeName string, create bool, plan *importPlan, bad func(field, key string, args ...any)) *typeEntry {
	tkey := strings.ToLower(typeName)
	if typeName == "" {
		bad("type", "catalogue.import_type_required")
		return nil
	}
	candidates := cat.types[tkey]
	if className == "" {
		// No class: the type alone decides, when its name is unambiguous.
		switch len(candidates) {
		case 0:
			bad("type", "catalogue.import_type_unknown")
		case 1:
			return candidates[0]
		default:
			bad("class", "catalogue.import_class_required")
		}
		return nil
	}
	var class *classEntry
	if cs := cat.classes[strings.ToLower(className)]; len(cs) > 0 {
		class = cs[0]
	} else if !create {
		bad("class", "catalogue.import_class_unknown")
		return nil
	}
	for _, t := range candidates {
		if t.class == class && class != nil {
			return t
		}
	}
	if len(candidates) > 0 {
		bad("type", "catalogue.import_type_other_class")
		return nil
	}
	if !create {
		bad("type", "catalogue.import_type_unknown")
		return nil
	}
	var f apperr.Fields
	lineField(&f, "class", className, 100)
	lineField(&f, "type", typeName, 100)
	for _, fe := range f {
		bad(fe.Field, fe.Key, fe.Args...)
	}
	if len(f) > 0 {
		return nil
	}
	if class == nil {
		class = &classEntry{Class: Class{Names: guessLanguage(className)}, isNew: true}
		cat.addClass(class)
		plan.classes = append(plan.classes, class)
	}
	t := &typeEntry{class: class, Names: guessLanguage(typeName), isNew: true}
	cat.addType(t)
	plan.types = append(plan.types, t)
	return t
}

// guessLanguage files a name the import creates under Russian when it has Cyrillic
// letters, else under English; an admin can add the other language later.
func guessLanguage(name string) Names {
	for _, r := range name {
		if unicode.Is(unicode.Cyrillic, r) {
			return Names{RU: name}
		}
	}
	return Names{EN: name}
}

// importState is what the audit trail keeps of an import.
type importState struct {
	Imported   int      `json:"imported"`
	NewClasses []string `json:"new_classes,omitempty"`
	NewTypes   []string `json:"new_types,omitempty"`
	// AssetIDs are the devices made, as ascending ranges: "12-40,45".
	AssetIDs string `json:"asset_ids"`
}

// idRanges writes ascending ids as "a-b,c": an import's ids are mostly one run.
func idRanges(ids []int64) string {
	slices.Sort(ids)
	var b strings.Builder
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(ids[i], 10))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.FormatInt(ids[j], 10))
		}
		i = j + 1
	}
	return b.String()
}

// writeImport creates the planned classes, types and devices in tx and returns
// the devices' ids.
func (s *Service) writeImport(ctx context.Context, tx *sql.Tx, plan *importPlan, rep *ImportReport) ([]int64, error) {
	now := s.now().UTC()
	var ids []int64
	for _, c := range plan.classes {
		if err := tx.QueryRowContext(ctx, "INSERT INTO service_classes (name_en, name_ru, created_at) VALUES ($1, $2, $3) RETURNING id",
			c.EN, c.RU, now).Scan(&c.ID); err != nil {
			return nil, fmt.Errorf("assets: unable to create class: %w", err)
		}
	}
	for _, t := range plan.types {
		if err := tx.QueryRowContext(ctx, "INSERT INTO service_types (class_id, name_en, name_ru, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			t.class.ID, t.EN, t.RU, now).Scan(&t.ID); err != nil {
			return nil, fmt.Errorf("assets: unable to create type: %w", err)
		}
	}
	for _, r := range plan.rows {
		r.in.TypeID = r.typ.ID
		id, err := insertAssetRow(ctx, tx, r.in, now)
		if apperr.As(err) != nil {
			// An inventory number taken since the check (PostgreSQL, a concurrent write).
			rep.Errors = append(rep.Errors, RowError{Line: r.line, Field: "inventory_number", Key: "catalogue.inventory_taken"})
			rep.Valid--
			return nil, errImportRefused
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
		rep.Imported++
	}
	return ids, nil
}

// ExportCSV writes the devices matching f as CSV (admin): UTF-8 with a BOM (so a
// spreadsheet reads the Cyrillic right), CRLF, the header CSVColumns, and every
// cell through csvsafe, so no spreadsheet finds a formula in it whichever
// separator it splits on. ImportCSV reads the file back unchanged.
// f.AfterID and f.Limit are ignored: every match is written.
func (s *Service) ExportCSV(ctx context.Context, actor *users.User, w io.Writer, f Filter) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	cat, err := loadImportCatalogue(ctx, s.db.R)
	if err != nil {
		return err
	}
	types := map[int64]*typeEntry{}
	for _, ts := range cat.types {
		for _, t := range ts {
			types[t.ID] = t
		}
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	emails := map[int64]string{}
	f.AfterID, f.Limit = 0, 200
	for {
		page, err := s.List(ctx, actor, f)
		if err != nil {
			return err
		}
		for _, a := range page.Items {
			var className, typeName string
			if t := types[a.TypeID]; t != nil {
				typeName = t.name()
				if t.class != nil {
					className = t.class.name()
				}
			}
			owner := ""
			if a.OwnerID != 0 {
				e, ok := emails[a.OwnerID]
				if !ok {
					if err := s.db.R.QueryRowContext(ctx, "SELECT email FROM users WHERE id = $1", a.OwnerID).Scan(&e); err != nil && !errors.Is(err, sql.ErrNoRows) {
						return fmt.Errorf("assets: unable to read an owner: %w", err)
					}
					emails[a.OwnerID] = e
				}
				owner = e
			}
			archived := "false"
			if a.Archived {
				archived = "true"
			}
			rec := []string{a.Name, className, typeName, a.InventoryNumber, a.Location.Building, a.Location.Floor, a.Location.Room, a.Instructions, owner, archived}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		if page.NextAfter == 0 {
			break
		}
		f.AfterID = page.NextAfter
	}
	cw.Flush()
	return cw.Error()
}
