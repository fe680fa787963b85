package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// trailOf reads every entry of kind (exact), oldest first.
func trailOf(t *testing.T, d *db.DB, reader *users.User, kind string) []audit.Row {
	t.Helper()
	p, err := audit.List(context.Background(), d, reader, audit.Filter{Kind: kind, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]audit.Row, 0, len(p.Rows))
	for i := len(p.Rows) - 1; i >= 0; i-- {
		out = append(out, p.Rows[i])
	}
	return out
}

// TestRemainingChangesAreRecorded covers the changes the first pass left out: the
// first administrator made on the setup page (by themselves), an account made at
// the console (by no account), the starter catalogue, a device CSV import (one
// entry with the devices' ids), an executor's own availability, personal tokens
// revoked together, and the leavers check deactivating an account (by the
// system). Each refused or empty change beside them leaves no entry.
func TestRemainingChangesAreRecorded(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		bg := context.Background()
		ctx := audit.WithAddr(bg, "192.0.2.44")
		pw := "long enough passphrase"

		// Setup: a wrong secret makes nobody; the right one makes the admin, who is
		// named as the maker.
		secret, err := acc.PrepareSetup(bg)
		if err != nil || secret == "" {
			t.Fatalf("setup secret %q %v", secret, err)
		}
		if _, err := acc.SetupAdmin(ctx, "wrong", users.CreateInput{Email: "root@example.com", FullName: "Root", Password: pw}); err == nil {
			t.Fatal("a wrong secret made an admin")
		}
		if _, err := acc.SetupAdmin(ctx, secret, users.CreateInput{Email: "root@example.com", FullName: "Root", Password: "short"}); err == nil {
			t.Fatal("a weak password made an admin")
		}
		root, err := acc.SetupAdmin(ctx, secret, users.CreateInput{Email: "root@example.com", FullName: "Root", Password: pw, Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		made := trailOf(t, d, root, audit.UserCreated)
		if len(made) != 1 || made[0].ActorID != root.ID || made[0].Addr != "192.0.2.44" || made[0].Subject != "user "+itoa(root.ID)+" root@example.com" ||
			!strings.Contains(made[0].After, `"admin"`) || made[0].Before != "" {
			t.Fatalf("setup's entry: %+v", made)
		}

		// The console (the CLI's "user create"): no account, no address; a
		// duplicate e-mail is refused and recorded nowhere.
		_, err = acc.CreateDepartment(ctx, root, users.DepartmentInput{Code: "it", NameEN: "IT"})
		if err != nil {
			t.Fatal(err)
		}
		exec, err := acc.CreateUser(bg, users.CreateInput{Email: "ex@example.com", FullName: "Ex", Password: pw,
			Roles: []users.Role{users.RoleEmployee, users.RoleExecutor}, DepartmentCodes: []string{"it"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := acc.CreateUser(bg, users.CreateInput{Email: "ex@example.com", FullName: "Ex", Password: pw, Roles: []users.Role{users.RoleEmployee}}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("a duplicate account: %v", err)
		}
		if _, err := acc.CreateUser(bg, users.CreateInput{Email: "x@example.com", FullName: "X", Password: pw, Roles: []users.Role{users.RoleEmployee}, DepartmentCodes: []string{"nope"}}); err == nil {
			t.Fatal("an unknown department was accepted")
		}
		made = trailOf(t, d, root, audit.UserCreated)
		if len(made) != 2 || made[1].ActorID != 0 || made[1].ActorEmail != "" || made[1].Addr != "" ||
			!strings.Contains(made[1].After, `"departments":["it"]`) || !strings.Contains(made[1].After, `"executor"`) {
			t.Fatalf("the console's entry: %+v", made)
		}

		// The starter catalogue: one entry with its counts; the second load is
		// refused (the catalogue is not empty) and adds nothing.
		as := assets.NewService(d, nil)
		rules := tickets.NewRules(d, nil)
		load, err := tickets.LoadStarter(ctx, as, rules, root)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.LoadStarter(ctx, as, rules, root); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("a second starter load: %v", err)
		}
		st := trailOf(t, d, root, audit.CatalogueStarter)
		if len(st) != 1 || st[0].ActorID != root.ID || st[0].Before != "" ||
			!strings.Contains(st[0].After, `"classes":`+itoa(int64(load.Catalogue.Classes))) || !strings.Contains(st[0].After, `"offers":`+itoa(int64(load.Catalogue.Offers))) {
			t.Fatalf("starter entry: %+v (load %+v)", st, load.Catalogue)
		}

		// A device import: a dry run and a file with one bad row write nothing and
		// record nothing; a good one is one entry naming every device made.
		cls, err := as.CreateClass(ctx, root, assets.Names{EN: "Office gear"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := as.CreateType(ctx, root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Lamp"}}); err != nil {
			t.Fatal(err)
		}
		good := "name,class,type,inventory_number\nLamp 1,Office gear,Lamp,L-1\nLamp 2,Office gear,Lamp,L-2\nLamp 3,Office gear,Lamp,L-3\n"
		bad := good + "Lamp 4,Office gear,No such type,L-4\n"
		if rep, err := as.ImportCSV(ctx, root, strings.NewReader(good), true); err != nil || rep.Valid != 3 {
			t.Fatalf("dry run: %+v %v", rep, err)
		}
		if _, err := as.ImportCSV(ctx, root, strings.NewReader(bad), false); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a bad file: %v", err)
		}
		if got := trailOf(t, d, root, audit.AssetsImported); len(got) != 0 {
			t.Fatalf("a dry run or a refused import was recorded: %+v", got)
		}
		rep, err := as.ImportCSV(ctx, root, strings.NewReader(good), false)
		if err != nil || rep.Imported != 3 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		var first, last int64
		if err := d.R.QueryRow("SELECT MIN(id), MAX(id) FROM assets WHERE inventory_number LIKE 'L-%'").Scan(&first, &last); err != nil {
			t.Fatal(err)
		}
		imp := trailOf(t, d, root, audit.AssetsImported)
		if len(imp) != 1 || imp[0].ActorID != root.ID || imp[0].Addr != "192.0.2.44" ||
			!strings.Contains(imp[0].After, `"imported":3`) || !strings.Contains(imp[0].After, `"asset_ids":"`+itoa(first)+"-"+itoa(last)+`"`) {
			t.Fatalf("import entry: %+v (ids %d-%d)", imp, first, last)
		}

		// Own availability: recorded as the executor's own change; a switch to the
		// state already held, and an employee's attempt, record nothing.
		tk := tickets.NewService(d, rules, as, nil)
		if _, err := tk.SetAvailability(ctx, exec, true, false); err != nil {
			t.Fatal(err)
		}
		if _, err := tk.SetAvailability(ctx, exec, false, true); err != nil {
			t.Fatal(err)
		}
		emp, err := acc.CreateUser(bg, users.CreateInput{Email: "emp@example.com", FullName: "Emp", Password: pw, Roles: []users.Role{users.RoleEmployee}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tk.SetAvailability(ctx, emp, false, false); err == nil {
			t.Fatal("an employee set an availability")
		}
		av := trailOf(t, d, root, audit.UserAvailability)
		if len(av) != 1 || av[0].ActorID != exec.ID || av[0].ActorEmail != "ex@example.com" || av[0].Subject != "user "+itoa(exec.ID)+" ex@example.com" ||
			av[0].Before != `{"available":true}` || av[0].After != `{"available":false}` {
			t.Fatalf("availability entry: %+v", av)
		}

		// Personal tokens revoked together (after a password change): one entry per
		// token, as revoking one by one writes; none when none was live.
		_, t1, err := acc.CreateToken(ctx, exec, "laptop", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, t2, err := acc.CreateToken(ctx, exec, "phone", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := acc.RevokePersonalTokens(ctx, exec); err != nil || n != 2 {
			t.Fatalf("revoked %d, %v", n, err)
		}
		if n, err := acc.RevokePersonalTokens(ctx, exec); err != nil || n != 0 {
			t.Fatalf("revoked again %d, %v", n, err)
		}
		rv := trailOf(t, d, root, audit.TokenRevoked)
		if len(rv) != 2 || !strings.Contains(rv[0].Before+rv[1].Before, `"id":`+itoa(t1.ID)) || !strings.Contains(rv[0].Before+rv[1].Before, `"name":"phone"`) ||
			rv[0].ActorID != exec.ID || rv[0].After != "" || t2.ID == 0 {
			t.Fatalf("revocations: %+v", rv)
		}

		// The leavers check: an account the directory no longer lists is
		// deactivated by the system, and says so.
		if _, err := acc.CreateUser(bg, users.CreateInput{Email: "gone@example.com", FullName: "Gone", Password: pw, Roles: []users.Role{users.RoleEmployee}, EmployeeID: "E-9"}); err != nil {
			t.Fatal(err)
		}
		res, err := acc.CheckLeavers(bg)
		if err != nil || len(res.Deactivated) != 1 {
			t.Fatalf("leavers: %+v %v", res, err)
		}
		var left []audit.Row
		for _, r := range trailOf(t, d, root, audit.UserUpdated) {
			if strings.Contains(r.Subject, "gone@example.com") {
				left = append(left, r)
			}
		}
		if len(left) != 1 || left[0].ActorID != 0 || left[0].Before != `{"active":true}` || !strings.Contains(left[0].After, `"active":false`) {
			t.Fatalf("leaver entry: %+v", left)
		}
	})
}
