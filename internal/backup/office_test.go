package backup_test

import (
	"context"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// office is a small office on d that files tickets through the real domain.
type office struct {
	d       *db.DB
	tickets *tickets.Service
	emp     *users.User
	asset   int64
	problem int64
}

func newOffice(t *testing.T, d *db.DB) *office {
	t.Helper()
	ctx := context.Background()
	acc := testkit.Accounts(t, d)
	mk := func(email string, roles []users.Role, deps ...string) *users.User {
		u, err := acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: email, Roles: roles, DepartmentCodes: deps, Password: "long enough passphrase", Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	root := mk("root@example.com", []users.Role{users.RoleAdmin})
	it, err := acc.CreateDepartment(ctx, root, users.DepartmentInput{Code: "it", NameEN: "IT support"})
	if err != nil {
		t.Fatal(err)
	}
	mk("ex@example.com", []users.Role{users.RoleEmployee, users.RoleExecutor}, "it")
	emp := mk("emp@example.com", []users.Role{users.RoleEmployee})
	as := assets.NewService(d, nil)
	cls, err := as.CreateClass(ctx, root, assets.Names{EN: "IT equipment"})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := as.CreateType(ctx, root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Printer"}})
	if err != nil {
		t.Fatal(err)
	}
	jam, err := as.CreateProblem(ctx, root, assets.Names{EN: "Paper jam"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := as.SetOffers(ctx, root, typ.ID, []assets.OfferInput{{ProblemID: jam.ID}}); err != nil {
		t.Fatal(err)
	}
	pr, err := as.CreateAsset(ctx, root, assets.AssetInput{Name: "Printer", TypeID: typ.ID})
	if err != nil {
		t.Fatal(err)
	}
	rules := tickets.NewRules(d, nil)
	if _, err := rules.Create(ctx, root, tickets.RuleInput{ClassID: cls.ID, DepartmentID: it.ID}); err != nil {
		t.Fatal(err)
	}
	return &office{d: d, tickets: tickets.NewService(d, rules, as, nil), emp: emp, asset: pr.ID, problem: jam.ID}
}

// file files one ticket and returns its id.
func (o *office) file(ctx context.Context, comment string) (int64, error) {
	tk, err := o.tickets.File(ctx, o.emp, tickets.FileInput{AssetID: o.asset, ProblemID: o.problem, Comment: comment})
	if err != nil {
		return 0, err
	}
	return tk.ID, nil
}

// ticketIDs reads every ticket id in the SQLite file at path.
func ticketIDs(t *testing.T, path string) map[int64]bool {
	t.Helper()
	d := testkit.OpenURL(t, "sqlite://"+path)
	rows, err := d.R.Query("SELECT id FROM tickets")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	return ids
}
