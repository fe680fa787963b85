package demo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func TestLoadOnceIntoEmptyDatabase(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		u := users.NewStore(d, nil)
		acc := testkit.Accounts(t, d)
		sum, err := demo.Load(ctx, d, u, acc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := u.ListDepartments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(sum.Departments) || len(got) < 4 {
			t.Fatalf("loaded %d departments, listed %d", len(sum.Departments), len(got))
		}
		for _, dep := range got {
			if dep.NameEN == "" || dep.NameRU == "" {
				t.Errorf("department %s lacks a name in one language", dep.Code)
			}
		}
		if len(sum.Accounts) < 5 {
			t.Fatalf("only %d demo accounts", len(sum.Accounts))
		}
		roles := map[users.Role]bool{}
		for _, a := range sum.Accounts {
			for _, r := range a.Roles {
				roles[r] = true
			}
			if _, err := acc.Login(ctx, users.LoginInput{Email: a.Email, Password: sum.Password}); err != nil {
				t.Errorf("demo account %s cannot log in: %v", a.Email, err)
			}
		}
		for _, r := range users.Roles {
			if !roles[r] {
				t.Errorf("no demo account has role %s", r)
			}
		}
		checkDevices(t, d, acc, sum)
		if _, err := demo.Load(ctx, d, u, acc); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second load: got %v, want ErrNotEmpty", err)
		}
		again, _ := u.ListDepartments(ctx)
		if len(again) != len(got) {
			t.Fatalf("second load changed the data: %d → %d departments", len(got), len(again))
		}
	})
}

// checkDevices checks the demo office's catalogue and devices: the starter
// catalogue with offers on every type, about fifty devices on three floors of one
// building, and personal laptops that only their owners (and staff) see.
func checkDevices(t *testing.T, d *db.DB, acc *users.Service, sum *demo.Summary) {
	t.Helper()
	ctx := context.Background()
	svc := assets.NewService(d, nil)
	if sum.Catalogue == nil || sum.Catalogue.Classes != 7 || sum.Catalogue.Types != 34 {
		t.Fatalf("catalogue %+v", sum.Catalogue)
	}
	types, err := svc.Types(ctx, 0)
	if err != nil || len(types) != sum.Catalogue.Types {
		t.Fatalf("%d types, %v", len(types), err)
	}
	for _, ty := range types {
		full, err := svc.TypeWithProblems(ctx, ty.ID)
		if err != nil || len(full.Problems) == 0 {
			t.Errorf("type %s offers nothing (%v)", ty.EN, err)
		}
	}
	var admin, anna *users.User
	for _, a := range sum.Accounts {
		switch {
		case a.IsAdmin():
			admin = a
		case a.Email == "anna.petrova@demo.office":
			anna = a
		}
	}
	if admin == nil || anna == nil || anna.IsStaff() {
		t.Fatal("the demo needs an admin and Anna, a plain employee")
	}
	all := map[int64]*assets.Asset{}
	for _, archived := range []bool{false, true} {
		page, err := svc.List(ctx, admin, assets.Filter{Archived: &archived, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Items {
			all[a.ID] = a
		}
	}
	if len(all) != len(sum.Devices) || len(all) < 45 || len(all) > 60 {
		t.Fatalf("%d devices listed, %d loaded", len(all), len(sum.Devices))
	}
	floors := map[string]int{}
	typesUsed := map[int64]bool{}
	var annasLaptop *assets.Asset
	withInstructions, archived := 0, 0
	for _, a := range all {
		if a.Location.Building != demo.Building || a.Name == "" || !assets.ValidCode(a.Code) {
			t.Errorf("device %+v", a)
		}
		floors[a.Location.Floor]++
		typesUsed[a.TypeID] = true
		if strings.Contains(a.Instructions, "https://") {
			withInstructions++
		}
		if a.Archived {
			archived++
		}
		if a.OwnerID == anna.ID {
			annasLaptop = a
		}
	}
	if len(floors) != 3 || withInstructions < 3 || archived == 0 || len(typesUsed) < 20 {
		t.Fatalf("floors %v, %d with a link in the instructions, %d archived, %d types used", floors, withInstructions, archived, len(typesUsed))
	}
	if annasLaptop == nil {
		t.Fatal("no personal laptop owned by a demo employee")
	}
	if _, err := svc.Scan(ctx, anna, annasLaptop.Code); err != nil {
		t.Fatalf("Anna cannot open her laptop's page: %v", err)
	}
	colleague, err := acc.CreateUser(ctx, users.CreateInput{Email: "colleague@demo.office", FullName: "Коллега", Roles: []users.Role{users.RoleEmployee},
		Password: "correct-horse-battery-9", Language: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Scan(ctx, colleague, annasLaptop.Code); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("a colleague opened Anna's laptop: %v", err)
	}
}
