package demo_test

import (
	"context"
	"errors"
	"testing"

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
		if _, err := demo.Load(ctx, d, u, acc); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second load: got %v, want ErrNotEmpty", err)
		}
		again, _ := u.ListDepartments(ctx)
		if len(again) != len(got) {
			t.Fatalf("second load changed the data: %d → %d departments", len(got), len(again))
		}
	})
}
