package browser_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"smartservice/internal/testkit/browser"
)

// recorder keeps the errors a Browser reports instead of failing the test, so the
// checks that report errors can be tested; everything else goes to the real test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestBrowserHelpers(t *testing.T) {
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><meta name="viewport" content="width=device-width, initial-scale=1"><body>%s</body></html>`, body)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h1 data-x="1">Hello</h1><ul><li>a</li><li> b </li></ul>
<form method="post" action="/post"><button id="go">Go</button></form>`)
	})
	mux.HandleFunc("POST /post", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "k", Value: "v", Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /gone", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusGone)
		page(w, "<h1>Gone</h1>")
	})
	mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		page(w, "<h1>"+r.Header.Get("Accept-Language")+"</h1>")
	})
	mux.HandleFunc("GET /inline", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "script-src 'self'")
		page(w, `<h1>CSP</h1><script>document.title = "ran"</script>`)
	})
	mux.HandleFunc("GET /wide", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h1>Wide</h1><div id="wide" style="width: 500px">x</div>`)
	})
	mux.HandleFunc("GET /long", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<h1>Long</h1><div style="height: 3000px"></div><p id="end">end</p>`)
	})
	mux.HandleFunc("GET /longer", func(w http.ResponseWriter, r *http.Request) {
		page(w, fmt.Sprintf(`<h1>Longer</h1><div style="height: %dpx"></div><p id="end">end</p>`, 3*browser.MaxShotHeight))
	})
	form := func(next string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			page(w, `<h1>`+r.URL.Path+`</h1><p style="width: 120px">Some words before <a id="next" href="`+next+`">a link that wraps onto the next line</a></p>
<input id="email" type="email"><output id="echo"></output>
<button id="later" hidden>Later</button>
<script>
email.addEventListener("input", () => echo.textContent = email.value);
later.addEventListener("click", () => { later.textContent = "clicked"; });
setTimeout(() => later.hidden = false, 300);
</script>`)
		}
	}
	mux.HandleFunc("GET /form1", form("/form2"))
	mux.HandleFunc("GET /form2", form("/form1"))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	rec := &recorder{TB: t}
	b := browser.New(rec, browser.Phone, browser.AcceptLanguage("ru-RU,ru;q=0.9"), browser.WithoutAxe())

	if got := b.Navigate(srv.URL + "/"); got != http.StatusOK {
		t.Errorf("Navigate / = %d", got)
	}
	if w, dpr := browser.Eval[int](b, "window.innerWidth"), browser.Eval[float64](b, "window.devicePixelRatio"); w != 360 || dpr != 2 {
		t.Errorf("phone viewport: width %d at %v×, want 360 at 2×", w, dpr)
	}
	if got := b.Text("h1"); got != "Hello" {
		t.Errorf("Text = %q", got)
	}
	if got := b.Texts("li"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("Texts = %q", got)
	}
	if v, ok := b.Attribute("h1", "data-x"); v != "1" || !ok {
		t.Errorf("Attribute data-x = %q, %v", v, ok)
	}
	if v, ok := b.Attribute("h1", "data-missing"); v != "" || ok {
		t.Errorf("Attribute data-missing = %q, %v", v, ok)
	}

	if got := b.ClickAndWait("#go"); got != http.StatusOK {
		t.Errorf("ClickAndWait (POST, 303, GET /) = %d", got)
	}
	if got := b.URL(); got != srv.URL+"/" {
		t.Errorf("URL after the redirect = %q", got)
	}
	if c := b.Cookie(srv.URL+"/", "k"); c == nil || c.Value != "v" || !c.HTTPOnly {
		t.Errorf("Cookie k = %+v", c)
	}

	// Both pages have #email: the value must land on the page shown now.
	b.Navigate(srv.URL + "/form1")
	b.ClickAndWait("#next")
	b.SetValue("#email", "New.Person@office.example")
	if got := b.Text("h1") + " " + b.Text("#echo"); got != "/form2 New.Person@office.example" {
		t.Errorf("after SetValue on the second page: %q", got)
	}
	b.WaitVisible("#later")
	b.Click("#later")
	if got := b.Text("#later"); got != "clicked" {
		t.Errorf("the button shown late reads %q after Click", got)
	}

	if got := b.Navigate(srv.URL + "/gone"); got != http.StatusGone || b.Status() != http.StatusGone {
		t.Errorf("Navigate /gone = %d, Status %d", got, b.Status())
	}
	b.Navigate(srv.URL + "/echo")
	if got := b.Text("h1"); got != "ru-RU,ru;q=0.9" {
		t.Errorf("the server got Accept-Language %q", got)
	}

	b.Navigate(srv.URL + "/inline")
	if errs := b.ConsoleErrors(); len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "Content Security Policy") {
		t.Errorf("ConsoleErrors after a refused inline script = %q", errs)
	}
	b.Navigate(srv.URL + "/")
	if errs := b.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("ConsoleErrors of a clean page = %q", errs)
	}

	b.CheckNoHorizontalScroll()
	if len(rec.errors) != 0 {
		t.Errorf("a page that fits was reported: %q", rec.errors)
	}
	b.Navigate(srv.URL + "/wide")
	b.CheckNoHorizontalScroll()
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "div#wide") {
		t.Errorf("a page 500px wide at 360px: reported %q", rec.errors)
	}

	b.Navigate(srv.URL + "/long")
	path := b.Screenshot("long page")
	png, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 24 {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if !strings.HasSuffix(path, "long_page.png") {
		t.Errorf("screenshot path %s", path)
	}
	// Full page: 3000 CSS px at 2× is more than 6000 device pixels tall.
	height := int(png[20])<<24 | int(png[21])<<16 | int(png[22])<<8 | int(png[23])
	if height < 6000 {
		t.Errorf("screenshot is %d px tall: not the full page", height)
	}

	// A page taller than MaxShotHeight is captured down to it, at 2×.
	b.Navigate(srv.URL + "/longer")
	png, err = os.ReadFile(b.Screenshot("longer page"))
	if err != nil || len(png) < 24 {
		t.Fatalf("screenshot of the longer page: %v", err)
	}
	if height := int(png[20])<<24 | int(png[21])<<16 | int(png[22])<<8 | int(png[23]); height != 2*browser.MaxShotHeight {
		t.Errorf("screenshot of a %d px page is %d px tall, want %d", 3*browser.MaxShotHeight, height, 2*browser.MaxShotHeight)
	}
}

// TestAxeOnEveryPage: a Browser checks each page it lands on with axe-core, once
// per document, and reports the violations as test errors naming the rule.
func TestAxeOnEveryPage(t *testing.T) {
	if !browser.AxeInstalled() {
		t.Skip("axe-core is not installed (npm install --prefix .ci/node axe-core@4, or set " + browser.AxeEnv + ")")
	}
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>T</title></head><body><main><h1>Axe</h1>%s</main></body></html>`, body)
		}
	}
	mux.HandleFunc("GET /clean", page(`<p><a id="next" href="/bad">on</a></p>`))
	mux.HandleFunc("GET /bad", page(`<p style="color: #999; background: #fff">faint words</p>`))
	mux.HandleFunc("GET /data.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "a,b\n")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	rec := &recorder{TB: t}
	b := browser.New(rec, browser.Phone)
	b.Navigate(srv.URL + "/clean")
	if len(rec.errors) != 0 {
		t.Errorf("a clean page was reported: %q", rec.errors)
	}
	b.ClickAndWait("#next")
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "color-contrast") {
		t.Fatalf("a page with faint text: reported %q, want one color-contrast violation", rec.errors)
	}
	// The same document is not checked twice by the helpers; CheckAxe checks again.
	b.Text("h1")
	if len(rec.errors) != 1 {
		t.Errorf("after reading the page: %d reports, want still 1", len(rec.errors))
	}
	b.CheckAxe()
	if len(rec.errors) != 2 {
		t.Errorf("CheckAxe on the faint page: %d reports, want 2", len(rec.errors))
	}
	b.Navigate(srv.URL + "/data.csv")
	if len(rec.errors) != 2 {
		t.Errorf("a plain-text document was checked: %q", rec.errors[2:])
	}

	// A state checked before is not run through axe again, but its violations are
	// reported to every test that lands on it.
	other := &recorder{TB: t}
	b2 := browser.New(other, browser.Phone)
	b2.Navigate(srv.URL + "/bad")
	if len(other.errors) != 1 || !strings.Contains(other.errors[0], "color-contrast") {
		t.Fatalf("the faint page in a second tab: reported %q, want its color-contrast violation again", other.errors)
	}
	// A change axe can see is a new state, checked anew: the text made dark passes.
	browser.Eval[int](b2, `document.querySelector("p").style.color = "#000", 0`)
	b2.CheckAxe()
	if len(other.errors) != 1 {
		t.Errorf("the faint text made dark: reported %q", other.errors[1:])
	}
}
