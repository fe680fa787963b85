package web

import (
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"smartservice/internal/assets"
	"smartservice/internal/i18n"
)

// webURL finds http(s) addresses in plain text.
var webURL = regexp.MustCompile("(?i)https?://[^\\s<>\"'`]+")

// linkify turns plain text into HTML: everything is escaped, and only http(s)
// addresses become links (rel="noopener nofollow"). No markup of the text's own
// ever reaches the page; line breaks are kept by the stylesheet (white-space).
func linkify(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range webURL.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		// Punctuation that ends a sentence or closes a bracket is not part of the address.
		end = start + len(strings.TrimRight(text[start:end], ".,;:!?)]}»”’"))
		link := text[start:end]
		if u, err := url.Parse(link); err != nil || u.Host == "" {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:start]))
		esc := template.HTMLEscapeString(link)
		b.WriteString(`<a href="` + esc + `" rel="noopener nofollow">` + esc + `</a>`)
		last = end
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// optionGroup is an optgroup: the types of one class.
type optionGroup struct {
	Label   string
	Options []option
}

// typeGroups lists the catalogue's types grouped by class, for a select; the
// type whose id is selected is marked.
func typeGroups(loc *i18n.Localizer, c *assets.Catalogue, selected string) []optionGroup {
	var out []optionGroup
	for _, cl := range c.Classes {
		g := optionGroup{Label: loc.Name(cl.EN, cl.RU)}
		for _, t := range c.Types {
			if t.ClassID == cl.ID {
				v := strconv.FormatInt(t.ID, 10)
				g.Options = append(g.Options, option{Value: v, Label: loc.Name(t.EN, t.RU), Selected: v == selected})
			}
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// typeNames maps every type's id to its name and its class's name.
func typeNames(loc *i18n.Localizer, c *assets.Catalogue) map[int64][2]string {
	classes := map[int64]string{}
	for _, cl := range c.Classes {
		classes[cl.ID] = loc.Name(cl.EN, cl.RU)
	}
	out := map[int64][2]string{}
	for _, t := range c.Types {
		out[t.ID] = [2]string{loc.Name(t.EN, t.RU), classes[t.ClassID]}
	}
	return out
}

// parseID reads a positive id from a form or query value; 0 when it is not one.
func parseID(s string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// itoa writes an id.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
