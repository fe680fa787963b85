package api

import (
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/i18n"
)

// ref is a reference to a class, type or problem type: its id and its name in the
// reader's language.
type ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// termView is an entry of a vocabulary (a service class, a problem type); Name is
// in the reader's language.
type termView struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	NameRU string `json:"name_ru"`
}

// offerView is a problem type as a service type offers it, with that type's self-help.
type offerView struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	SelfHelp   string `json:"self_help"`
	SelfHelpEN string `json:"self_help_en"`
	SelfHelpRU string `json:"self_help_ru"`
}

// typeView is a service type with its offered problem types in display order.
type typeView struct {
	ID             int64       `json:"id"`
	Name           string      `json:"name"`
	NameEN         string      `json:"name_en"`
	NameRU         string      `json:"name_ru"`
	ServiceClassID int64       `json:"service_class_id"`
	ServiceClass   *ref        `json:"service_class"`
	ProblemTypes   []offerView `json:"problem_types"`
}

func namesView(loc *i18n.Localizer, id int64, n assets.Names) termView {
	return termView{ID: id, Name: loc.Name(n.EN, n.RU), NameEN: n.EN, NameRU: n.RU}
}

func offersView(loc *i18n.Localizer, offers []assets.Offer) []offerView {
	out := make([]offerView, 0, len(offers))
	for _, o := range offers {
		out = append(out, offerView{ID: o.ID, Name: loc.Name(o.EN, o.RU), SelfHelp: loc.Name(o.SelfHelp.EN, o.SelfHelp.RU),
			SelfHelpEN: o.SelfHelp.EN, SelfHelpRU: o.SelfHelp.RU})
	}
	return out
}

// typeView shows t; class is its class when known (nil: the reference is null).
func typeViewOf(loc *i18n.Localizer, t *assets.Type, class *assets.Class) typeView {
	v := typeView{ID: t.ID, Name: loc.Name(t.EN, t.RU), NameEN: t.EN, NameRU: t.RU, ServiceClassID: t.ClassID,
		ProblemTypes: offersView(loc, t.Problems)}
	if class != nil {
		v.ServiceClass = &ref{ID: class.ID, Name: loc.Name(class.EN, class.RU)}
	}
	return v
}

// namesInput is a two-language name as a client writes it: name_en and name_ru, or
// name as a shortcut for the one in the request's language (Accept-Language, else
// the caller's setting). Absent fields keep the current value.
type namesInput struct {
	Name   *string `json:"name"`
	NameEN *string `json:"name_en"`
	NameRU *string `json:"name_ru"`
}

// apply returns cur changed by n; lang is the request's language. A name that
// contradicts the name_<lang> sent with it is a field error.
func (n namesInput) apply(cur assets.Names, lang string, f *apperr.Fields) assets.Names {
	return applyNames(cur, n.Name, n.NameEN, n.NameRU, lang, "name", f)
}

// applyNames is namesInput.apply for any pair of fields: short is the shortcut's
// name (name, self_help).
func applyNames(cur assets.Names, short, en, ru *string, lang, field string, f *apperr.Fields) assets.Names {
	if en != nil {
		cur.EN = *en
	}
	if ru != nil {
		cur.RU = *ru
	}
	if short != nil {
		explicit := en
		if lang == "ru" {
			explicit = ru
		}
		switch {
		case explicit != nil && *explicit != *short:
			f.Add(field, "api.name_twice", "Field", field+"_"+lang)
		case lang == "ru":
			cur.RU = *short
		default:
			cur.EN = *short
		}
	}
	return cur
}

// queryID reads an optional positive id from the query parameter name (0 when absent).
func queryID(r *http.Request, name string, f *apperr.Fields) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		f.Add(name, "api.id_invalid")
		return 0
	}
	return id
}

// pageAfterID reads the list's ?limit= and ?cursor= for a list ordered by id.
func pageAfterID(r *http.Request, kind string, f *apperr.Fields) (limit int, after int64) {
	limit, key := pageQuery(r, kind, f)
	if key != "" {
		var ok bool
		if after, ok = cursorID(key); !ok {
			f.Add("cursor", "api.cursor")
		}
	}
	return limit, after
}

// pageOf cuts the items with an id above after into one page of a list ordered by id.
func pageOf[T any](all []T, idOf func(T) int64, limit int, after int64) (page []T, last string) {
	for _, it := range all {
		if idOf(it) <= after {
			continue
		}
		if len(page) == limit {
			break
		}
		page = append(page, it)
	}
	if len(page) > 0 {
		last = strconv.FormatInt(idOf(page[len(page)-1]), 10)
	}
	return page, last
}

// notFoundID answers the 404 of a path id that is not a positive integer.
func (a *API) notFoundID(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
}
