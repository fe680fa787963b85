package api

import (
	"net/http"

	"golang.org/x/text/language"

	"smartservice/internal/i18n"
)

// localizer picks the language of the answer's messages and names: the one the
// request's Accept-Language asks for, if supported; else the caller's own setting;
// else the configured default.
func (a *API) localizer(r *http.Request) *i18n.Localizer {
	lang := acceptedLanguage(r.Header.Get("Accept-Language"))
	if lang == "" {
		if c := callerOf(r.Context()); c != nil {
			lang = c.user.Language
		}
	}
	return a.Catalog.For(a.Catalog.Pick(lang, ""))
}

// acceptedLanguage returns the first supported language of an Accept-Language
// header in the client's order of preference, or "".
func acceptedLanguage(header string) string {
	if header == "" || len(header) > 1024 {
		return ""
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return ""
	}
	for _, t := range tags {
		if base, _ := t.Base(); i18n.Supported(base.String()) {
			return base.String()
		}
	}
	return ""
}
