package assets

// "Something else": the problem type marked everywhere (migration 00014, the
// starter catalogue) ends every device's list, so a problem no type lists can
// still be reported from the QR page. It is not a row of type_problems: a type
// created tomorrow offers it too, and the catalogue's offer editor, which edits
// what a type lists itself, neither shows nor can drop it.

// SomethingElse is the name of the catch-all problem type the starter catalogue
// (and migration 00014, for an office without one) adds.
var SomethingElse = Names{EN: "Something else", RU: "Другое"}

// offerAnything appends o, the catch-all problem type, to t's offers, marked
// Anything, unless t lists it itself (then that offer is marked).
func offerAnything(t *Type, o Offer) {
	for i := range t.Problems {
		if t.Problems[i].ID == o.ID {
			t.Problems[i].Anything = true
			return
		}
	}
	o.Anything = true
	t.Problems = append(t.Problems, o)
}
