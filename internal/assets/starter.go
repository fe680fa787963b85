package assets

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// starterDoc is a verbatim copy of shared/design/OFFICE-CATALOGUE.md: the starter
// catalogue and rules table are read from its two tables, so the design and the
// data cannot drift apart unnoticed (a test compares the two when the design is at hand).
//
//go:embed starter/office-catalogue.md
var starterDoc string

// StarterClass is one service class of the starter catalogue with its types.
type StarterClass struct {
	Names
	Types []StarterType
}

// StarterType is one service type of the starter catalogue with the problem types
// it offers, in display order.
type StarterType struct {
	Names
	Problems []Names
}

// StarterRule is one row of the starter rules table, by English names; "" is the
// wildcard "any". The tickets module turns these rows into its rules table.
type StarterRule struct {
	Class, Type, Problem string
	// Department is a department code (office, it, facilities, cleaning, security).
	Department string
}

// StarterDefaultDepartment is the department code that catches what no starter rule matches.
const StarterDefaultDepartment = "office"

type starterData struct {
	classes  []StarterClass
	problems []Names // the shared vocabulary, deduplicated by English name
	rules    []StarterRule
}

var parsedStarter = sync.OnceValue(func() starterData {
	sd, err := parseStarter(starterDoc)
	if err != nil {
		panic(err) // the document is embedded; TestStarterParses guards it
	}
	return sd
})

// StarterCatalogue returns the starter catalogue: classes, their types and the
// problems each type offers in order. Problem names are those of the shared
// vocabulary (see StarterProblems). The caller gets its own copy.
func StarterCatalogue() []StarterClass {
	src := parsedStarter().classes
	out := make([]StarterClass, len(src))
	for i, c := range src {
		out[i] = StarterClass{Names: c.Names, Types: make([]StarterType, len(c.Types))}
		for j, t := range c.Types {
			out[i].Types[j] = StarterType{Names: t.Names, Problems: append([]Names(nil), t.Problems...)}
		}
	}
	return out
}

// StarterProblems returns the shared vocabulary of the starter catalogue: one entry
// per English name, in order of first appearance.
func StarterProblems() []Names { return append([]Names(nil), parsedStarter().problems...) }

// StarterRules returns the starter rules table (most specific row wins; see
// OFFICE-CATALOGUE.md); StarterDefaultDepartment catches the rest.
func StarterRules() []StarterRule { return append([]StarterRule(nil), parsedStarter().rules...) }

// parseStarter reads the two tables of the design document. A problem type recurs
// under several types ("leaking", "needs cleaning"): it becomes one entry of the
// shared vocabulary, keyed by its English name; its Russian name is the one the
// document uses most often (first on a tie), so "needs cleaning" is "нужна уборка"
// everywhere although the coffee machine's row says "нужна чистка".
func parseStarter(doc string) (starterData, error) {
	var sd starterData
	section := ""
	type ruCount struct {
		order  []string
		counts map[string]int
	}
	ru := map[string]*ruCount{}
	for n, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case strings.Contains(section, "classes"):
			if len(cells) != 3 {
				return sd, fmt.Errorf("assets: starter line %d: want 3 cells, got %d", n+1, len(cells))
			}
			if cells[0] == "class" {
				continue // the header
			}
			if cells[0] != "" {
				c, err := twoNames(cells[0])
				if err != nil {
					return sd, fmt.Errorf("assets: starter line %d: %w", n+1, err)
				}
				sd.classes = append(sd.classes, StarterClass{Names: c})
			}
			if len(sd.classes) == 0 {
				return sd, fmt.Errorf("assets: starter line %d: a type before any class", n+1)
			}
			t, err := twoNames(cells[1])
			if err != nil {
				return sd, fmt.Errorf("assets: starter line %d: %w", n+1, err)
			}
			st := StarterType{Names: t}
			for _, p := range strings.Split(cells[2], ";") {
				pn, err := twoNames(p)
				if err != nil {
					return sd, fmt.Errorf("assets: starter line %d: %w", n+1, err)
				}
				r := ru[pn.EN]
				if r == nil {
					r = &ruCount{counts: map[string]int{}}
					ru[pn.EN] = r
					sd.problems = append(sd.problems, Names{EN: pn.EN})
				}
				if r.counts[pn.RU] == 0 {
					r.order = append(r.order, pn.RU)
				}
				r.counts[pn.RU]++
				st.Problems = append(st.Problems, Names{EN: pn.EN})
			}
			last := &sd.classes[len(sd.classes)-1]
			last.Types = append(last.Types, st)
		case strings.Contains(section, "rules"):
			if len(cells) != 4 {
				return sd, fmt.Errorf("assets: starter line %d: want 4 cells, got %d", n+1, len(cells))
			}
			if cells[0] == "service class" {
				continue
			}
			wild := func(s string) string {
				if s == "any" {
					return ""
				}
				return s
			}
			sd.rules = append(sd.rules, StarterRule{Class: wild(cells[0]), Type: wild(cells[1]), Problem: wild(cells[2]), Department: cells[3]})
		}
	}
	// The Russian name of each problem type: the most used, first on a tie.
	names := map[string]Names{}
	for i, p := range sd.problems {
		r := ru[p.EN]
		best := r.order[0]
		for _, s := range r.order {
			if r.counts[s] > r.counts[best] {
				best = s
			}
		}
		sd.problems[i].RU = best
		names[p.EN] = sd.problems[i]
	}
	for i := range sd.classes {
		for j := range sd.classes[i].Types {
			for k, p := range sd.classes[i].Types[j].Problems {
				sd.classes[i].Types[j].Problems[k] = names[p.EN]
			}
		}
	}
	if len(sd.classes) == 0 || len(sd.rules) == 0 {
		return sd, fmt.Errorf("assets: the starter document has no catalogue or no rules table")
	}
	// "Something else" is offered by every device (anything.go), so it is in the
	// vocabulary and has its rule, but no type lists it. The document is the
	// design's and predates it; it is added here rather than in the copy.
	sd.problems = append(sd.problems, SomethingElse)
	sd.rules = append(sd.rules, StarterRule{Problem: SomethingElse.EN, Department: StarterDefaultDepartment})
	return sd, nil
}

// twoNames splits "English / Русский".
func twoNames(cell string) (Names, error) {
	en, ru, ok := strings.Cut(strings.TrimSpace(cell), " / ")
	en, ru = strings.TrimSpace(en), strings.TrimSpace(ru)
	if !ok || en == "" || ru == "" {
		return Names{}, fmt.Errorf("%q is not \"English / Русский\"", cell)
	}
	return Names{EN: en, RU: ru}, nil
}

// StarterSummary counts what LoadStarter created.
type StarterSummary struct {
	Classes  int `json:"classes"`
	Types    int `json:"types"`
	Problems int `json:"problem_types"`
	Offers   int `json:"offers"`
}

// LoadStarter loads the starter catalogue (OFFICE-CATALOGUE.md) into an empty
// catalogue in one transaction (admin): its classes, types, the shared vocabulary
// of problem types and what each type offers, in order, in both languages. A
// catalogue that already has a class, type or problem type is refused (Conflict):
// the starter is a beginning, never merged into an admin's work.
func (s *Service) LoadStarter(ctx context.Context, actor *users.User) (*StarterSummary, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	sd := parsedStarter()
	sum := &StarterSummary{}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if s.db.Dialect == db.Postgres {
			// Two admins loading at once: the second waits, then finds the catalogue full.
			// (SQLite's BEGIN IMMEDIATE already serialises writers.)
			if _, err := tx.ExecContext(ctx, "LOCK TABLE service_classes, service_types, problem_types IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return fmt.Errorf("assets: unable to lock the catalogue: %w", err)
			}
		}
		var n int
		err := tx.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM service_classes) + (SELECT COUNT(*) FROM service_types) + (SELECT COUNT(*) FROM problem_types)").Scan(&n)
		if err != nil {
			return fmt.Errorf("assets: unable to count the catalogue: %w", err)
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "catalogue.not_empty")
		}
		problemIDs := map[string]int64{}
		for _, p := range sd.problems {
			var id int64
			if err := tx.QueryRowContext(ctx, "INSERT INTO problem_types (name_en, name_ru, created_at, everywhere) VALUES ($1, $2, $3, $4) RETURNING id",
				p.EN, p.RU, now, p == SomethingElse).Scan(&id); err != nil {
				return fmt.Errorf("assets: unable to create problem type: %w", err)
			}
			problemIDs[p.EN] = id
			sum.Problems++
		}
		for _, c := range sd.classes {
			var classID int64
			if err := tx.QueryRowContext(ctx, "INSERT INTO service_classes (name_en, name_ru, created_at) VALUES ($1, $2, $3) RETURNING id", c.EN, c.RU, now).Scan(&classID); err != nil {
				return fmt.Errorf("assets: unable to create class: %w", err)
			}
			sum.Classes++
			for _, t := range c.Types {
				var typeID int64
				if err := tx.QueryRowContext(ctx, "INSERT INTO service_types (class_id, name_en, name_ru, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
					classID, t.EN, t.RU, now).Scan(&typeID); err != nil {
					return fmt.Errorf("assets: unable to create type: %w", err)
				}
				sum.Types++
				for i, p := range t.Problems {
					if _, err := tx.ExecContext(ctx, "INSERT INTO type_problems (type_id, problem_type_id, position) VALUES ($1, $2, $3)",
						typeID, problemIDs[p.EN], i); err != nil {
						return fmt.Errorf("assets: unable to offer a problem type: %w", err)
					}
					sum.Offers++
				}
			}
		}
		// One entry with the counts: the catalogue was empty, and what it now holds
		// is the starter file, which the binary carries.
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: actor.ID, ActorEmail: actor.Email, Kind: audit.CatalogueStarter,
			Subject: "catalogue: the starter", After: sum})
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}
