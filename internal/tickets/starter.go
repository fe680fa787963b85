package tickets

import (
	"context"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// StarterLoad is what LoadStarter did.
type StarterLoad struct {
	// Catalogue counts the starter catalogue loaded.
	Catalogue *assets.StarterSummary
	// Rules is what the starter routing rules loaded; nil when the rules table
	// already had rules (it is left as it is) or no Rules was given.
	Rules *StarterRulesSummary
}

// LoadStarter loads the starter office (OFFICE-CATALOGUE.md) as actor, an admin:
// the starter catalogue into an empty catalogue (a catalogue with anything in it is
// refused with Conflict catalogue.not_empty), then, with it, the starter routing
// rules when the rules table is still empty. A rules table an admin has already
// filled stays as it is, and that is not an error. The catalogue page's button,
// "smartservice catalogue load-starter" and the demo all call this one function,
// so they load the same office the same way. rules may be nil (a server without
// the rules module): then only the catalogue is loaded.
func LoadStarter(ctx context.Context, catalogue *assets.Service, rules *Rules, actor *users.User) (*StarterLoad, error) {
	cat, err := catalogue.LoadStarter(ctx, actor)
	if err != nil {
		return nil, err
	}
	load := &StarterLoad{Catalogue: cat}
	if rules == nil {
		return load, nil
	}
	load.Rules, err = rules.LoadStarterRules(ctx, actor)
	if apperr.CodeOf(err) == apperr.Conflict {
		return load, nil // an admin's own table
	}
	return load, err
}
