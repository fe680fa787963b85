// Package demo loads the demo office: a believable office in both languages that a
// newcomer gets with "smartservice --demo". Every module's demo data is added here,
// in one place, so the demo stays one coherent office.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// ErrNotEmpty means the database already holds data; the demo never mixes into it.
var ErrNotEmpty = errors.New("demo: the database already holds data; the demo office is loaded only into an empty database")

// Summary tells what was loaded, for the start-up message.
type Summary struct {
	Departments []users.Department
	Accounts    []*users.User
	// Password is the password of every demo account.
	Password string
	// Catalogue counts the starter catalogue loaded; Devices are the demo office's devices.
	Catalogue *assets.StarterSummary
	Devices   []*assets.Asset
	// Rules is what the starter routing rules loaded.
	Rules *tickets.StarterRulesSummary
}

// departments of the demo office, by the codes the starter rules table uses.
var departments = []users.Department{
	{Code: "office", NameEN: "Office management", NameRU: "Административно-хозяйственный отдел"},
	{Code: "it", NameEN: "IT support", NameRU: "Техническая поддержка"},
	{Code: "facilities", NameEN: "Facilities and maintenance", NameRU: "Эксплуатация здания"},
	{Code: "cleaning", NameEN: "Cleaning service", NameRU: "Клининг"},
	{Code: "security", NameEN: "Security and access", NameRU: "Служба безопасности"},
}

// Load fills an empty database with the demo office: the departments in one
// transaction, then the accounts through the same domain function the CLI uses,
// then (as the demo's administrator) the starter catalogue and the devices. It is
// meant for a fresh database; if it fails half-way, start from an empty one.
func Load(ctx context.Context, d *db.DB, u *users.Store, accounts *users.Service) (*Summary, error) {
	existing, err := u.ListDepartments(ctx)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, ErrNotEmpty
	}
	sum := &Summary{}
	err = d.InTx(ctx, func(tx *sql.Tx) error {
		for _, dep := range departments {
			created, err := u.CreateDepartmentTx(ctx, tx, dep)
			if err != nil {
				return err
			}
			sum.Departments = append(sum.Departments, created)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	// Accounts go through the same domain function as the CLI, so they obey its rules.
	for _, in := range accountInputs() {
		acct, err := accounts.CreateUser(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", in.Email, err)
		}
		sum.Accounts = append(sum.Accounts, acct)
	}
	sum.Password = Password
	// The catalogue and the devices, as the demo's administrator.
	var admin *users.User
	for _, a := range sum.Accounts {
		if a.IsAdmin() {
			admin = a
			break
		}
	}
	if admin == nil {
		return nil, errors.New("demo: no administrator among the demo accounts")
	}
	// The starter catalogue and its rules table, through the same function as the
	// catalogue page's button and the CLI.
	load, err := tickets.LoadStarter(ctx, assets.NewService(d, nil), tickets.NewRules(d, nil), admin)
	if err != nil {
		return nil, fmt.Errorf("demo: starter catalogue: %w", err)
	}
	sum.Catalogue, sum.Rules = load.Catalogue, load.Rules
	if err := loadServiceLevels(ctx, d, admin); err != nil {
		return nil, fmt.Errorf("demo: service levels: %w", err)
	}
	if sum.Devices, err = loadDevices(ctx, d, admin, sum.Accounts); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return sum, nil
}

// Existing tells what of the demo office a database already holds, for a start
// with --demo on it: its departments and the demo accounts still there (by their
// e-mail addresses), so the start-up message can list them again. nil when the
// database holds no demo office (not even its administrator), so a real office
// is never shown demo logins.
func Existing(ctx context.Context, u *users.Store, accounts *users.Service) (*Summary, error) {
	sum := &Summary{Password: Password}
	for _, in := range accountInputs() {
		acct, err := accounts.UserByEmail(ctx, in.Email)
		if apperr.CodeOf(err) == apperr.NotFound {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", in.Email, err)
		}
		sum.Accounts = append(sum.Accounts, acct)
	}
	if len(sum.Accounts) == 0 || !sum.Accounts[0].IsAdmin() {
		return nil, nil
	}
	deps, err := u.ListDepartments(ctx)
	if err != nil {
		return nil, err
	}
	sum.Departments = deps
	return sum, nil
}
