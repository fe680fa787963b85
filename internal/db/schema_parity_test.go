package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// schema is what the parity test compares of one database, normalised so the two
// dialects' spellings of the same thing are equal.
type schema struct {
	// columns maps "table.column" to "class null|not null", class being one of
	// integer, text, time, bool, blob, real (or the raw type when it is none of them).
	columns map[string]string
	// keys maps "table" to its primary key columns, in order.
	keys map[string]string
	// indexes maps "table index-name" (or "table unique(columns)" for a UNIQUE
	// constraint, whose index is unnamed on SQLite) to "unique|plain (keys) where …".
	indexes map[string]string
	// foreignKeys maps "table(columns)" to "parent(columns) on delete action".
	foreignKeys map[string]string
}

// TestSchemasOfBothDialectsMatch migrates a fresh SQLite and a fresh PostgreSQL schema
// and compares their tables, columns, primary keys, indexes and foreign keys as the
// catalogs describe them, so that a migration written for one dialect and not the
// other, or differently, fails here. River's and goose's tables are theirs, not ours.
func TestSchemasOfBothDialectsMatch(t *testing.T) {
	ctx := context.Background()
	lite := readSQLiteSchema(t, ctx, testkit.NewDB(t, db.SQLite))
	pg := readPostgresSchema(t, ctx, testkit.NewDB(t, db.Postgres))
	lite.dropImplicitRowid()
	pg.dropImplicitRowid()
	if len(lite.columns) < 50 {
		t.Fatalf("read only %d SQLite columns: the catalog query is broken", len(lite.columns))
	}
	for name, part := range map[string][2]map[string]string{
		"column":      {lite.columns, pg.columns},
		"primary key": {lite.keys, pg.keys},
		"index":       {lite.indexes, pg.indexes},
		"foreign key": {lite.foreignKeys, pg.foreignKeys},
	} {
		for _, k := range slices.Sorted(maps.Keys(part[0])) {
			if got, ok := part[1][k]; !ok {
				t.Errorf("%s %s: on SQLite only (%s)", name, k, part[0][k])
			} else if got != part[0][k] {
				t.Errorf("%s %s: SQLite has %s, PostgreSQL has %s", name, k, part[0][k], got)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(part[1])) {
			if _, ok := part[0][k]; !ok {
				t.Errorf("%s %s: on PostgreSQL only (%s)", name, k, part[1][k])
			}
		}
	}
}

// notOurs tells the tables of the job queue and of the migration tool.
func notOurs(table string) bool {
	return strings.HasPrefix(table, "river_") || table == "goose_db_version" || strings.HasPrefix(table, "sqlite_")
}

func readSQLiteSchema(t *testing.T, ctx context.Context, d *db.DB) schema {
	t.Helper()
	s := schema{columns: map[string]string{}, keys: map[string]string{}, indexes: map[string]string{}, foreignKeys: map[string]string{}}
	tables := map[string]string{} // name → CREATE TABLE text
	queryRows(t, ctx, d.R, "SELECT name, sql FROM sqlite_master WHERE type = 'table'", func(r *sql.Rows) error {
		var name, text string
		if err := r.Scan(&name, &text); err != nil {
			return err
		}
		if !notOurs(name) {
			tables[name] = text
		}
		return nil
	})
	for table, createSQL := range tables {
		var pk []string
		queryRows(t, ctx, d.R, "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid", func(r *sql.Rows) error {
			var name, typ string
			var notNull bool
			var pkPos int
			if err := r.Scan(&name, &typ, &notNull, &pkPos); err != nil {
				return err
			}
			class := map[string]string{"INTEGER": "integer", "TEXT": "text", "TIMESTAMP": "time", "BLOB": "blob", "REAL": "real"}[strings.ToUpper(typ)]
			if class == "" {
				class = "raw " + typ
			}
			// SQLite has no boolean: ours are INTEGER columns held to 0 and 1 by a CHECK.
			if class == "integer" && regexp.MustCompile(`(?i)\b`+name+`\s+INTEGER\b[^,]*CHECK \(`+name+` IN \(0, 1\)\)`).MatchString(createSQL) {
				class = "bool"
			}
			if pkPos > 0 {
				// A primary key column is never NULL on PostgreSQL; SQLite's catalog
				// says "nullable" for them, a historical quirk our inserts never use.
				notNull = true
				pk = append(pk, fmt.Sprintf("%d:%s", pkPos, name))
			}
			s.columns[table+"."+name] = class + nullity(notNull)
			return nil
		}, table)
		slices.Sort(pk)
		for i := range pk {
			pk[i] = pk[i][strings.Index(pk[i], ":")+1:]
		}
		s.keys[table] = strings.Join(pk, ", ")

		type index struct {
			name, origin string
			unique       bool
		}
		var idx []index
		queryRows(t, ctx, d.R, "SELECT name, \"unique\", origin FROM pragma_index_list($1)", func(r *sql.Rows) error {
			var i index
			if err := r.Scan(&i.name, &i.unique, &i.origin); err != nil {
				return err
			}
			idx = append(idx, i)
			return nil
		}, table)
		for _, i := range idx {
			if i.origin == "pk" {
				continue // compared as the primary key
			}
			var keys []string
			if i.origin == "c" {
				// CREATE INDEX: take the keys from its text, so expressions are kept.
				var text string
				if err := d.R.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1", i.name).Scan(&text); err != nil {
					t.Fatal(err)
				}
				keys, where := indexKeysFromSQL(t, text)
				s.indexes[table+" "+i.name] = indexShape(i.unique, keys, where)
				continue
			}
			queryRows(t, ctx, d.R, "SELECT name FROM pragma_index_info($1) ORDER BY seqno", func(r *sql.Rows) error {
				var name string
				if err := r.Scan(&name); err != nil {
					return err
				}
				keys = append(keys, name)
				return nil
			}, i.name)
			s.indexes[table+" unique("+strings.Join(keys, ", ")+")"] = indexShape(true, keys, "")
		}

		fks := map[int][3][]string{} // id → from columns, parent table, parent columns
		actions := map[int]string{}
		queryRows(t, ctx, d.R, "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq", func(r *sql.Rows) error {
			var id int
			var parent, from, to, onDelete string
			if err := r.Scan(&id, &parent, &from, &to, &onDelete); err != nil {
				return err
			}
			f := fks[id]
			f[0], f[1], f[2] = append(f[0], from), []string{parent}, append(f[2], to)
			fks[id], actions[id] = f, strings.ToLower(onDelete)
			return nil
		}, table)
		for id, f := range fks {
			s.foreignKeys[table+"("+strings.Join(f[0], ", ")+")"] = f[1][0] + "(" + strings.Join(f[2], ", ") + ") on delete " + actions[id]
		}
	}
	return s
}

func readPostgresSchema(t *testing.T, ctx context.Context, d *db.DB) schema {
	t.Helper()
	s := schema{columns: map[string]string{}, keys: map[string]string{}, indexes: map[string]string{}, foreignKeys: map[string]string{}}
	queryRows(t, ctx, d.R, `SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
		WHERE table_schema = current_schema()`, func(r *sql.Rows) error {
		var table, name, typ string
		var notNull bool
		if err := r.Scan(&table, &name, &typ, &notNull); err != nil {
			return err
		}
		if notOurs(table) {
			return nil
		}
		class := map[string]string{"bigint": "integer", "integer": "integer", "smallint": "integer", "text": "text",
			"timestamp with time zone": "time", "boolean": "bool", "bytea": "blob", "double precision": "real", "real": "real"}[typ]
		if class == "" {
			class = "raw " + typ
		}
		s.columns[table+"."+name] = class + nullity(notNull)
		return nil
	})
	// Every index of our tables, with how it came to be: a primary key, a UNIQUE
	// constraint, or CREATE INDEX.
	queryRows(t, ctx, d.R, `SELECT c.relname, i.relname, x.indisunique, x.indisprimary,
			EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype = 'u'),
			x.indnkeyatts, COALESCE(pg_get_expr(x.indpred, x.indrelid, true), ''), x.indexrelid, x.indoption::text
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		WHERE c.relnamespace = current_schema()::regnamespace`, func(r *sql.Rows) error {
		var table, name, where string
		var unique, primary, constraint bool
		var n int
		var oid uint32
		var options string
		if err := r.Scan(&table, &name, &unique, &primary, &constraint, &n, &where, &oid, &options); err != nil {
			return err
		}
		opts := strings.Fields(options)
		if notOurs(table) {
			return nil
		}
		keys := make([]string, n)
		for k := range n {
			if err := d.R.QueryRowContext(ctx, "SELECT pg_get_indexdef($1, $2, true)", oid, k+1).Scan(&keys[k]); err != nil {
				return err
			}
			if k < len(opts) && (opts[k] == "1" || opts[k] == "3") { // bit 1 of indoption: DESC
				keys[k] += " DESC"
			}
		}
		// PostgreSQL prints a predicate on a boolean column as the bare column; SQLite's
		// booleans are integers, compared with 1 or 0.
		if m := boolPredicateRE.FindStringSubmatch(where); m != nil {
			where = m[2] + " = " + map[string]string{"": "1", "NOT ": "0"}[m[1]]
		}
		switch {
		case primary:
			s.keys[table] = strings.Join(keys, ", ")
		case constraint:
			s.indexes[table+" unique("+strings.Join(keys, ", ")+")"] = indexShape(true, keys, where)
		default:
			s.indexes[table+" "+name] = indexShape(unique, keys, where)
		}
		return nil
	})
	queryRows(t, ctx, d.R, `SELECT c.relname, p.relname, k.confdeltype,
			ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o)::text,
			ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o)::text
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
		WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`, func(r *sql.Rows) error {
		var table, parent, action, from, to string
		if err := r.Scan(&table, &parent, &action, &from, &to); err != nil {
			return err
		}
		if notOurs(table) {
			return nil
		}
		list := func(a string) string { return strings.ReplaceAll(strings.Trim(a, "{}"), ",", ", ") }
		s.foreignKeys[table+"("+list(from)+")"] = parent + "(" + list(to) + ") on delete " +
			map[string]string{"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}[action]
		return nil
	})
	return s
}

// dropImplicitRowid removes what SQLite adds by itself: every SQLite index ends with
// the rowid, which an INTEGER PRIMARY KEY is, so "(ticket_id, id)" and "(ticket_id)"
// are the same index there, and PostgreSQL needs the id spelt out for the same
// order. A plain index ending in its table's one integer key column is compared
// without it, on both sides.
func (s schema) dropImplicitRowid() {
	for k, shape := range s.indexes {
		table, _, _ := strings.Cut(k, " ")
		pk := s.keys[table]
		if suffix := ", " + pk + ")"; strings.HasPrefix(shape, "plain (") && !strings.Contains(pk, ",") &&
			strings.HasPrefix(s.columns[table+"."+pk], "integer") && strings.Contains(shape, suffix) {
			s.indexes[k] = strings.Replace(shape, suffix, ")", 1)
		}
	}
}

func nullity(notNull bool) string {
	if notNull {
		return " not null"
	}
	return " null"
}

// indexShape is the comparable description of an index: uniqueness, normalised keys
// and the normalised predicate of a partial index.
func indexShape(unique bool, keys []string, where string) string {
	kind := "plain"
	if unique {
		kind = "unique"
	}
	norm := make([]string, len(keys))
	for i, k := range keys {
		norm[i] = normaliseSQL(k)
	}
	out := kind + " (" + strings.Join(norm, ", ") + ")"
	if where != "" {
		out += " where " + normaliseSQL(where)
	}
	return out
}

var (
	boolPredicateRE = regexp.MustCompile(`^\(?(NOT )?(\w+)\)?$`)
	castRE          = regexp.MustCompile(`::(bigint|integer|text|boolean|bytea|timestamp with time zone)`)
	spacesRE        = regexp.MustCompile(`[\s()"]+`)
	trueRE          = regexp.MustCompile(`\btrue\b`)
	falseRE         = regexp.MustCompile(`\bfalse\b`)
)

// normaliseSQL makes the two catalogs' texts of one expression equal: PostgreSQL adds
// casts ("0::bigint"), parentheses and quotes and spells booleans true/false; SQLite
// keeps the text as written, with 1/0 for booleans.
func normaliseSQL(s string) string {
	s = strings.ToLower(s)
	s = castRE.ReplaceAllString(s, "")
	s = trueRE.ReplaceAllString(s, "1")
	s = falseRE.ReplaceAllString(s, "0")
	return spacesRE.ReplaceAllString(s, "")
}

// indexKeysFromSQL splits "CREATE INDEX n ON t (a, COALESCE(b, 0)) WHERE p" into its
// keys and its predicate.
func indexKeysFromSQL(t *testing.T, text string) ([]string, string) {
	t.Helper()
	open := strings.Index(text, "(")
	if open < 0 {
		t.Fatalf("index without keys: %s", text)
	}
	var keys []string
	depth, start := 0, open+1
	for i := open; i < len(text); i++ {
		switch text[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				keys = append(keys, strings.TrimSpace(text[start:i]))
				rest := strings.TrimSpace(text[i+1:])
				where, _ := strings.CutPrefix(rest, "WHERE ")
				return keys, strings.TrimSpace(where)
			}
		case ',':
			if depth == 1 {
				keys = append(keys, strings.TrimSpace(text[start:i]))
				start = i + 1
			}
		}
	}
	t.Fatalf("unbalanced index text: %s", text)
	return nil, ""
}

func queryRows(t *testing.T, ctx context.Context, q *sql.DB, query string, each func(*sql.Rows) error, args ...any) {
	t.Helper()
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
