package i18n

import (
	"regexp"
	"strings"
	"testing"
)

// TestOneNameForEachThing guards issue 13's "one name for each thing" in every
// message of both catalogues: a ticket is a "ticket" in English (a "request" is
// an HTTP request only), a ticket's number is T-811 in both languages (never
// №811 or #811), following a ticket for its news is "updates" ("Follow" used to
// mean that and "me too" both), and a service type and class keep their names.
func TestOneNameForEachThing(t *testing.T) {
	c, err := New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Messages about HTTP requests, where "request" is the right word.
	httpRequest := map[string]bool{
		"access.throttled": true, "error.request_id": true, "error.throttled_title": true, "error.method_body": true,
		"error.forbidden_origin_title": true, "error.bad_request_title": true, "error.internal_body": true,
		"ticket.idempotency_key_invalid": true, "footer.request_id": true, "mail.throttled": true,
	}
	type rule struct {
		lang, why string
		re        *regexp.Regexp
		skip      func(key string) bool
	}
	http := func(key string) bool {
		return httpRequest[key] || strings.HasPrefix(key, "api.") || strings.HasPrefix(key, "httpx.") || strings.HasPrefix(key, "jsonbody.")
	}
	const id = "⟨id⟩" // what a ticket's number is written next to
	rules := []rule{
		{"en", `a ticket is a "ticket", not a "request"`, regexp.MustCompile(`(?i)\brequests?\b`), http},
		{"", "a ticket's number is written T-811", regexp.MustCompile(`(№|#)\s*` + id + `|(?i)(ticket|заявк\S*)\s+(№|#)`), nil},
		{"en", `"follow" meant both "me too" and getting updates: say which`, regexp.MustCompile(`(?i)\b(follow|follows|following|unfollow)\b`),
			func(key string) bool { return key == "telegram.link_first" }},
		{"ru", `«следить» значило и «у меня тоже», и новости: скажите, что именно`, regexp.MustCompile(`(?i)след(ит|ят|ить|ите)`), nil},
		{"ru", `класс называется «класс услуг», тип — «тип услуги»`, regexp.MustCompile(`(?i)(класс|тип)\S*\s+(обслуживания|оборудования)|вид\S*\s+проблем`), nil},
		{"en", `the class is a "service class", the type a "service type"`, regexp.MustCompile(`(?i)(class|type)\s+of\s+service|equipment type`), nil},
	}
	for _, r := range rules {
		for _, lang := range Languages {
			if r.lang != "" && r.lang != lang {
				continue
			}
			l := c.For(lang)
			for _, k := range c.Keys(lang) {
				if r.skip != nil && r.skip(k) {
					continue
				}
				msg := l.T(k, "Count", 2, "ID", id, "Number", id)
				if r.re.MatchString(msg) {
					t.Errorf("%s: %s: %q (%s)", lang, k, msg, r.why)
				}
			}
		}
	}
}
