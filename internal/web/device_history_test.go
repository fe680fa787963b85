package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestDevicePageShowsHistoryToResponsibleStaff: the executors of the department a
// device's tickets went to see its recent tickets; the employee who filed one, and an
// executor of another department, do not (the employee follows their own elsewhere).
func TestDevicePageShowsHistoryToResponsibleStaff(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			srv := testserver.Start(t, testserver.Options{Dialect: dialect})
			ctx := context.Background()
			a := srv.App
			var facilities users.Department
			err := a.DB.InTx(ctx, func(tx *sql.Tx) error {
				var err error
				if facilities, err = a.Users.CreateDepartmentTx(ctx, tx, users.Department{Code: "facilities", NameEN: "Facilities"}); err != nil {
					return err
				}
				_, err = a.Users.CreateDepartmentTx(ctx, tx, users.Department{Code: "it", NameEN: "IT"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			mk := func(email string, roles []users.Role, deps ...string) *users.User {
				u, err := a.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: email, Roles: roles, DepartmentCodes: deps, Password: "long enough passphrase", Language: "en"})
				if err != nil {
					t.Fatal(err)
				}
				return u
			}
			admin := mk("admin@office.example", []users.Role{users.RoleAdmin})
			emp := mk("emp@office.example", []users.Role{users.RoleEmployee})
			mk("fix@office.example", []users.Role{users.RoleExecutor}, "facilities")
			mk("geek@office.example", []users.Role{users.RoleExecutor}, "it")
			class, err := a.Assets.CreateClass(ctx, admin, assets.Names{EN: "Kitchen"})
			if err != nil {
				t.Fatal(err)
			}
			typ, err := a.Assets.CreateType(ctx, admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Fridge"}})
			if err != nil {
				t.Fatal(err)
			}
			prob, err := a.Assets.CreateProblem(ctx, admin, assets.Names{EN: "Not cold"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Assets.SetOffers(ctx, admin, typ.ID, []assets.OfferInput{{ProblemID: prob.ID}}); err != nil {
				t.Fatal(err)
			}
			fridge, err := a.Assets.CreateAsset(ctx, admin, assets.AssetInput{Name: "Fridge 3", TypeID: typ.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tickets.NewRules(a.DB, nil).Create(ctx, admin, tickets.RuleInput{ClassID: class.ID, DepartmentID: facilities.ID}); err != nil {
				t.Fatal(err)
			}
			tk, err := a.Tickets.File(ctx, emp, tickets.FileInput{AssetID: fridge.ID, ProblemID: prob.ID, Comment: "warm milk"})
			if err != nil {
				t.Fatal(err)
			}
			if tk.DepartmentID != facilities.ID {
				t.Fatalf("routed to %d, want facilities", tk.DepartmentID)
			}
			page := func(email string) string {
				c := newLoginClient(t, srv.URL)
				if res := c.post(t, "/login", url.Values{"email": {email}, "password": {"long enough passphrase"}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("login %s: %d", email, res.StatusCode)
				}
				res, body := c.get(t, "/a/"+fridge.Code)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: device page %d", email, res.StatusCode)
				}
				return body
			}
			for _, who := range []string{"fix@office.example", "admin@office.example"} {
				if body := page(who); !strings.Contains(body, "Recent tickets") || !strings.Contains(body, "Not cold") {
					t.Errorf("%s should see the device's recent tickets", who)
				}
			}
			for _, who := range []string{"emp@office.example", "geek@office.example"} {
				if body := page(who); strings.Contains(body, "Recent tickets") {
					t.Errorf("%s should not see the device's history", who)
				}
			}
		})
	}
}
