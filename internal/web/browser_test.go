package web_test

import (
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// The browser tests drive the real server in headless Chromium at a phone and a
// desktop width. Each starts one server and, per viewport, one browser, and runs
// its viewports in parallel. Screenshots go to $TMPDIR/smartservice-test-artifacts
// (or $SMARTSERVICE_TEST_ARTIFACTS), one directory per subtest.

// browserAcceptLanguage is what a browser set to each language sends.
var browserAcceptLanguage = map[string]string{
	"en": "en-US,en;q=0.9",
	"ru": "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7",
}

// browserCatalog returns the real catalogues, so the tests follow wording changes.
func browserCatalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.New("ru", nil)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// checkPageLanguage checks that the page is in lang: the html element says so, the
// switch marks it current, and the main heading is the catalogue's text for key.
func checkPageLanguage(t *testing.T, b *browser.Browser, cat *i18n.Catalog, lang, headingKey string) {
	t.Helper()
	if got, _ := b.Attribute("html", "lang"); got != lang {
		t.Errorf("<html lang=%q>, want %q", got, lang)
	}
	if want, got := cat.For(lang).T(headingKey), b.Text("main h1"); got != want {
		t.Errorf("heading %q, want %q (%s)", got, want, lang)
	}
	if got, _ := b.Attribute(`header form.langs button[aria-current="true"]`, "value"); got != lang {
		t.Errorf("the language switch marks %q as current, want %q", got, lang)
	}
}

func TestBrowserHome(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			srv := testserver.Start(t, testserver.Options{Dialect: dialect, Demo: true})
			deps, err := srv.App.Users.ListDepartments(context.Background())
			if err != nil || len(deps) == 0 {
				t.Fatalf("demo departments: %v, %d", err, len(deps))
			}
			for _, vp := range browser.Viewports {
				t.Run(vp.Name, func(t *testing.T) {
					t.Parallel()
					b := browser.New(t, vp)
					for _, lang := range i18n.Languages {
						b.SetHeaders(map[string]string{"Accept-Language": browserAcceptLanguage[lang]})
						if status := b.Navigate(srv.URL + "/"); status != http.StatusOK {
							t.Fatalf("%s: GET / = %d", lang, status)
						}
						checkPageLanguage(t, b, cat, lang, "home.title")
						if title := browser.Eval[string](b, "document.title"); !strings.HasPrefix(title, cat.For(lang).T("home.title")) {
							t.Errorf("%s: <title> %q", lang, title)
						}
						var want []string
						for _, d := range deps {
							want = append(want, cat.For(lang).Name(d.NameEN, d.NameRU))
						}
						slices.Sort(want) // the page lists them by name in its language
						if got := b.Texts("ul.chips li"); !slices.Equal(got, want) {
							t.Errorf("%s: departments shown %q, want %q", lang, got, want)
						}
						// A blocked stylesheet or a script error shows here (the CSP is strict).
						if errs := b.ConsoleErrors(); len(errs) > 0 {
							t.Errorf("%s: the page reported errors: %q", lang, errs)
						}
						b.CheckNoHorizontalScroll()
						t.Logf("screenshot: %s", b.Screenshot("home-"+lang))
					}
				})
			}
		})
	}
}

func TestBrowserLanguageSwitch(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite})
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			t.Parallel()
			b := browser.New(t, vp, browser.AcceptLanguage(browserAcceptLanguage["ru"]))
			b.Navigate(srv.URL + "/")
			checkPageLanguage(t, b, cat, "ru", "home.title")

			english := `header form.langs button[value="en"]`
			if got := b.Text(english); got != "English" {
				t.Errorf("the English button reads %q", got)
			}
			if status := b.ClickAndWait(english); status != http.StatusOK {
				t.Fatalf("after the switch: status %d", status)
			}
			if got := urlPath(t, b.URL()); got != "/" {
				t.Errorf("after the switch the browser is at %q, want back at /", got)
			}
			checkPageLanguage(t, b, cat, "en", "home.title")
			c := b.Cookie(srv.URL+"/", "lang")
			if c == nil || c.Value != "en" || !c.HTTPOnly || c.Path != "/" {
				t.Fatalf("lang cookie after the switch: %+v", c)
			}

			// The choice beats the browser's Accept-Language on later pages.
			b.Navigate(srv.URL + "/")
			checkPageLanguage(t, b, cat, "en", "home.title")

			// From any page the switch comes back to that page: here a 404 page.
			missing := "/no/such/page"
			if status := b.Navigate(srv.URL + missing); status != http.StatusNotFound {
				t.Fatalf("GET %s = %d", missing, status)
			}
			checkPageLanguage(t, b, cat, "en", "error.not_found_title")
			if status := b.ClickAndWait(`header form.langs button[value="ru"]`); status != http.StatusNotFound {
				t.Errorf("after switching back: status %d, want the 404 page again", status)
			}
			if got := urlPath(t, b.URL()); got != missing {
				t.Errorf("after switching back the browser is at %q, want %q", got, missing)
			}
			checkPageLanguage(t, b, cat, "ru", "error.not_found_title")
		})
	}
}

func TestBrowserCrossOriginPost(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite})

	// Another site's page with a form that posts to the app's language switch. It
	// is served from a second loopback server: another port is another origin.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Win a prize</title><main><h1>Win a prize</h1>
<form method="post" action="%s/lang">
<input type="hidden" name="lang" value="%s"><input type="hidden" name="next" value="/">
<button id="go" type="submit">Claim your prize</button>
</form></main></html>`, html.EscapeString(srv.URL), html.EscapeString(r.URL.Query().Get("lang")))
	}))
	t.Cleanup(evil.Close)
	port := evil.Listener.Addr().(*net.TCPAddr).Port

	cases := []struct {
		name, origin string
		browserLang  string // the victim's language
		postedLang   string // what the attacker tries to set
	}{
		// 127.0.0.1 at another port: the same site, another origin (Sec-Fetch-Site: same-site).
		{"other-port", fmt.Sprintf("http://127.0.0.1:%d", port), "en", "ru"},
		// localhost is another site altogether (Sec-Fetch-Site: cross-site).
		{"other-site", fmt.Sprintf("http://localhost:%d", port), "ru", "en"},
	}
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			t.Parallel()
			b := browser.New(t, vp)
			for _, tc := range cases {
				b.SetHeaders(map[string]string{"Accept-Language": browserAcceptLanguage[tc.browserLang]})
				if status := b.Navigate(tc.origin + "/?lang=" + tc.postedLang); status != http.StatusOK {
					t.Fatalf("%s: the other site's page: status %d", tc.name, status)
				}
				if status := b.ClickAndWait("#go"); status != http.StatusForbidden {
					t.Errorf("%s: the cross-origin POST got status %d, want 403", tc.name, status)
				}
				if got := b.URL(); got != srv.URL+"/lang" {
					t.Errorf("%s: the browser is at %s, want the refusal at %s/lang", tc.name, got, srv.URL)
				}
				if want, got := cat.For(tc.browserLang).T("error.forbidden_origin_title"), b.Text("main h1"); got != want {
					t.Errorf("%s: heading %q, want %q", tc.name, got, want)
				}
				if got, _ := b.Attribute("html", "lang"); got != tc.browserLang {
					t.Errorf("%s: the refusal is in %q, want the user's %q", tc.name, got, tc.browserLang)
				}
				if c := b.Cookie(srv.URL+"/", "lang"); c != nil {
					t.Errorf("%s: the refused POST set the language cookie: %s=%s", tc.name, c.Name, c.Value)
				}
				b.Navigate(srv.URL + "/")
				if got, _ := b.Attribute("html", "lang"); got != tc.browserLang {
					t.Errorf("%s: after the refused POST the site is in %q, want still %q", tc.name, got, tc.browserLang)
				}
			}
		})
	}
}

func TestBrowserNotFound(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite})
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			t.Parallel()
			b := browser.New(t, vp)
			for _, lang := range i18n.Languages {
				b.SetHeaders(map[string]string{"Accept-Language": browserAcceptLanguage[lang]})
				if status := b.Navigate(srv.URL + "/no-such-page/here?x=1"); status != http.StatusNotFound {
					t.Errorf("%s: status %d, want 404", lang, status)
				}
				checkPageLanguage(t, b, cat, lang, "error.not_found_title")
				if got := b.Text("main .status"); got != "404" {
					t.Errorf("%s: status shown %q", lang, got)
				}
				if href, _ := b.Attribute("main a.button", "href"); href != "/" {
					t.Errorf("%s: the way back goes to %q", lang, href)
				}
				if got, want := b.Text("main a.button"), cat.For(lang).T("error.back_home"); got != want {
					t.Errorf("%s: the way back reads %q, want %q", lang, got, want)
				}
				b.CheckNoHorizontalScroll()
				t.Logf("screenshot: %s", b.Screenshot("not-found-"+lang))
			}
		})
	}
}

func urlPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("location %q: %v", raw, err)
	}
	return u.Path
}
