package tickets_test

import (
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// TestLoadStarter: the one starter load (page, CLI, demo) fills an empty office with
// the catalogue and its rules, leaves a rules table an admin filled alone, and
// refuses a catalogue that is not empty and anyone but an admin.
func TestLoadStarter(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		t.Run("EmptyOffice", func(t *testing.T) {
			emptyDB(t, d)
			e := newEnv(t, d, acc)
			e.departments(t, "office", "it", "facilities", "cleaning", "security")
			if _, err := tickets.LoadStarter(e.ctx, e.cat, e.rules, e.exec); apperr.CodeOf(err) != apperr.Forbidden {
				t.Fatalf("an executor loaded the starter: %v", err)
			}
			load, err := tickets.LoadStarter(e.ctx, e.cat, e.rules, e.admin)
			if err != nil || load.Catalogue.Classes != len(assets.StarterCatalogue()) || load.Rules == nil ||
				load.Rules.Created != len(assets.StarterRules()) || load.Rules.DefaultDepartmentID != e.dept["office"] {
				t.Fatalf("load: %+v %v", load, err)
			}
			if _, err := tickets.LoadStarter(e.ctx, e.cat, e.rules, e.admin); apperr.CodeOf(err) != apperr.Conflict || apperr.As(err).Key != "catalogue.not_empty" {
				t.Fatalf("second load: %v", err)
			}
		})
		t.Run("RulesAlreadyThere", func(t *testing.T) {
			emptyDB(t, d)
			e := newEnv(t, d, acc)
			e.departments(t, "it")
			own := must(e.rules.Create(e.ctx, e.admin, tickets.RuleInput{DepartmentID: e.dept["it"]}))(t)
			load, err := tickets.LoadStarter(e.ctx, e.cat, e.rules, e.admin)
			if err != nil || load.Catalogue.Types == 0 || load.Rules != nil {
				t.Fatalf("load: %+v %v", load, err)
			}
			if list := must(e.rules.List(e.ctx, e.admin))(t); len(list) != 1 || list[0].ID != own.ID {
				t.Fatalf("the admin's table changed: %+v", list)
			}
		})
		t.Run("NoRulesModule", func(t *testing.T) {
			emptyDB(t, d)
			e := newEnv(t, d, acc)
			load, err := tickets.LoadStarter(e.ctx, e.cat, nil, e.admin)
			if err != nil || load.Catalogue.Classes == 0 || load.Rules != nil {
				t.Fatalf("load: %+v %v", load, err)
			}
		})
	})
}
