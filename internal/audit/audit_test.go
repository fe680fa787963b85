package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/audit"
	"smartservice/internal/csvsafe"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

func kinds(p *audit.Page) []string {
	var out []string
	for _, r := range p.Rows {
		out = append(out, r.Kind)
	}
	return out
}

// TestChangesAreRecordedWithWhoWhereAndWhat drives admin changes through the real
// domain functions on both databases and reads the trail back: each committed change
// has one entry naming the actor, the address its context carried, and the state
// before and after; a refused change has none.
func TestChangesAreRecordedWithWhoWhereAndWhat(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		ctx := audit.WithAddr(context.Background(), "198.51.100.7")
		mk := func(email string, roles ...users.Role) *users.User {
			u, err := acc.CreateUser(context.Background(), users.CreateInput{Email: email, FullName: email, Roles: roles, Password: "long enough passphrase", Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		root := mk("root@example.com", users.RoleEmployee, users.RoleAdmin)
		ann := mk("ann@example.com", users.RoleEmployee)
		start := time.Now().Add(-time.Minute)

		it, err := acc.CreateDepartment(ctx, root, users.DepartmentInput{Code: "it", NameEN: "Help;=1+2"})
		if err != nil {
			t.Fatal(err)
		}
		exec := []users.Role{users.RoleEmployee, users.RoleExecutor}
		deps := []int64{it.ID}
		if _, err := acc.UpdateUser(ctx, root, ann.ID, users.UserPatch{Roles: &exec, DepartmentIDs: &deps}); err != nil {
			t.Fatal(err)
		}
		// Refused changes leave nothing: an unknown department, one still in use.
		if _, err := acc.UpdateDepartment(ctx, root, 999999, users.DepartmentInput{NameEN: "x"}); err == nil {
			t.Fatal("updated an absent department")
		}
		if err := acc.DeleteDepartment(ctx, root, it.ID); err == nil {
			t.Fatal("deleted a department in use")
		}
		rules := tickets.NewRules(d, nil)
		if err := rules.SetDefaultDepartment(ctx, root, it.ID); err != nil {
			t.Fatal(err)
		}
		as := assets.NewService(d, nil)
		cls, err := as.CreateClass(ctx, root, assets.Names{EN: "IT equipment"})
		if err != nil {
			t.Fatal(err)
		}
		rule, err := rules.Create(ctx, root, tickets.RuleInput{ClassID: cls.ID, DepartmentID: it.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := rules.Delete(ctx, root, rule.ID); err != nil {
			t.Fatal(err)
		}
		typ, err := as.CreateType(ctx, root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Printer"}})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := as.CreateAsset(ctx, root, assets.AssetInput{Name: "Printer 2", TypeID: typ.ID})
		if err != nil {
			t.Fatal(err)
		}
		again, err := as.ReissueCode(ctx, root, pr.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := acc.CreateToken(ctx, root, "ci", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := acc.RevokeToken(ctx, root, tok.ID); err != nil {
			t.Fatal(err)
		}

		all, err := audit.List(context.Background(), d, root, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{audit.TokenRevoked, audit.TokenCreated, audit.AssetCodeReissued, audit.AssetCreated, audit.CatalogueCreated,
			audit.RuleDeleted, audit.RuleCreated, audit.CatalogueCreated, audit.DefaultDepartment, audit.UserUpdated, audit.DepartmentCreated,
			audit.UserCreated, audit.UserCreated} // the two accounts, made at the console (no actor, no address)
		if got := kinds(all); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("recorded\n %v\nwant\n %v", got, want)
		}
		for _, r := range all.Rows {
			if r.Kind == audit.UserCreated {
				if r.ActorID != 0 || r.ActorEmail != "" || r.Addr != "" || r.Before != "" || !strings.Contains(r.After, `"active":true`) {
					t.Errorf("an account made at the console: %+v", r)
				}
				continue
			}
			if r.ActorEmail != "root@example.com" || r.ActorID != root.ID || r.Addr != "198.51.100.7" || r.At.Before(start) {
				t.Errorf("entry %d (%s) names %q/%d from %q at %s", r.ID, r.Kind, r.ActorEmail, r.ActorID, r.Addr, r.At)
			}
		}
		byKind := map[string]audit.Row{}
		for _, r := range all.Rows {
			byKind[r.Kind] = r
		}
		if u := byKind[audit.UserUpdated]; u.Subject != "user "+itoa(ann.ID)+" ann@example.com" ||
			!strings.Contains(u.Before, `"roles":["employee"]`) || !strings.Contains(u.After, `"executor"`) || !strings.Contains(u.After, `"departments":["it"]`) {
			t.Errorf("user change: %+v", u)
		}
		if r := byKind[audit.AssetCodeReissued]; !strings.Contains(r.Before, pr.Code) || !strings.Contains(r.After, again.Code) {
			t.Errorf("re-issue does not show the old and new codes: %+v", r)
		}
		if r := byKind[audit.RuleDeleted]; r.Before == "" || r.After != "" {
			t.Errorf("a deletion keeps before only: %+v", r)
		}
		if r := byKind[audit.DefaultDepartment]; r.After != `{"department_id":`+itoa(it.ID)+`}` {
			t.Errorf("default department: %+v", r)
		}
		if r := byKind[audit.TokenCreated]; strings.Contains(r.After, "sst_") {
			t.Errorf("a token's secret reached the trail: %s", r.After)
		}

		// Filters: a family of kinds, a person, a period; pages never repeat.
		deps2, _ := audit.List(context.Background(), d, root, audit.Filter{Kind: "rule."})
		if got := kinds(deps2); strings.Join(got, " ") != "rule.deleted rule.created rule.default_department" {
			t.Errorf("rule family: %v", got)
		}
		if p, _ := audit.List(context.Background(), d, root, audit.Filter{ActorEmail: "ann@example.com"}); len(p.Rows) != 0 {
			t.Errorf("ann changed nothing, got %v", kinds(p))
		}
		if p, _ := audit.List(context.Background(), d, root, audit.Filter{To: start}); len(p.Rows) != 0 {
			t.Errorf("nothing happened before the start, got %v", kinds(p))
		}
		seen := map[int64]bool{}
		f := audit.Filter{Limit: 4}
		for pages := 0; ; pages++ {
			p, err := audit.List(context.Background(), d, root, f)
			if err != nil || pages > 5 {
				t.Fatalf("paging: %v after %d pages", err, pages)
			}
			for _, r := range p.Rows {
				if seen[r.ID] {
					t.Fatalf("entry %d on two pages", r.ID)
				}
				seen[r.ID] = true
			}
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
		}
		if len(seen) != len(all.Rows) {
			t.Fatalf("pages held %d entries of %d", len(seen), len(all.Rows))
		}

		// Only administrators read it.
		var ae *apperr.Error
		if _, err := audit.List(context.Background(), d, ann, audit.Filter{}); !errors.As(err, &ae) || ae.Code != apperr.Forbidden {
			t.Errorf("a non-admin read the trail: %v", err)
		}
		var nobody *users.User
		if _, err := audit.List(context.Background(), d, nobody, audit.Filter{}); !errors.As(err, &ae) || ae.Code != apperr.Unauthenticated {
			t.Errorf("an anonymous reader: %v", err)
		}

		// CSV: every entry, formulas neutralised.
		var buf bytes.Buffer
		if err := audit.ExportCSV(context.Background(), d, root, audit.Filter{}, &buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != len(all.Rows)+1 {
			t.Fatalf("CSV: %d records, %v", len(recs), err)
		}
		last := recs[len(recs)-3] // the oldest after the two accounts: the department's creation
		if after := byKind[audit.DepartmentCreated].After; !strings.Contains(last[7], "Help;'=1+2") || csvsafe.Unescape(last[7]) != after {
			t.Errorf("the CSV cell %q does not guard the formula of %q reversibly", last[7], after)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestNothingInTheProductEditsTheTrail: no statement outside tests updates or
// deletes audit entries, so the product offers no way to.
func TestNothingInTheProductEditsTheTrail(t *testing.T) {
	root := filepath.Join("..", "..")
	bad := regexp.MustCompile(`(?i)(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+(TABLE\s+)?audit_log)`)
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == ".git" || e.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bad.Match(b) {
			t.Errorf("%s changes audit entries", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
