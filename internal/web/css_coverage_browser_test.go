package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/chromedp"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
)

// CSSCoverageEnv turns on TestCSSCoverage: it is a report, not a check.
const CSSCoverageEnv = "SMARTSERVICE_CSS_COVERAGE"

// TestCSSCoverage lists the stylesheet rules no page used, by Chromium's CSS rule
// usage (the Coverage tab's data), over the demo office's pages as each role sees
// them, at both widths, light and dark, with refused forms for the error states.
// It reports and never fails: a rule unused here may still be produced by a state
// the walk does not reach (a channel down, an overdue ticket of some kind, a
// print, a hover), so deciding is for a person reading the list with the
// templates (scripts/css-coverage.sh runs it).
func TestCSSCoverage(t *testing.T) {
	if os.Getenv(CSSCoverageEnv) == "" {
		t.Skipf("set %s=1 to list the CSS rules no page uses", CSSCoverageEnv)
	}
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	q := func(query string) string {
		var v string
		if err := srv.App.DB.R.QueryRow(query).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	code := q("SELECT code FROM assets WHERE owner_id IS NULL AND archived = false ORDER BY id LIMIT 1")
	asset := q("SELECT CAST(MIN(id) AS TEXT) FROM assets")
	typ := q("SELECT CAST(MIN(id) AS TEXT) FROM service_types")
	problem := q("SELECT CAST(MIN(problem_type_id) AS TEXT) FROM type_problems WHERE type_id = (SELECT type_id FROM assets WHERE code = '" + code + "')")
	// Tickets to show: one taken by its executor, one waiting, with comments.
	ctx := context.Background()
	anna, err := srv.App.Accounts.UserByEmail(ctx, "anna.petrova@demo.office")
	if err != nil {
		t.Fatal(err)
	}
	var ticket, filed string
	for i, c := range []string{"Не включается, индикатор мигает красным.", ""} {
		tk, err := srv.App.Tickets.File(ctx, anna, tickets.FileInput{AssetCode: code, ProblemID: parseInt(t, problem), Comment: c})
		if err != nil {
			t.Fatal(err)
		}
		ticket = fmt.Sprint(tk.ID)
		filed = "/tickets/" + ticket + "/filed"
		if i == 0 {
			admin, err := srv.App.Accounts.UserByEmail(ctx, "elena.morozova@demo.office")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.App.Tickets.Comment(ctx, admin, tk.ID, "Посмотрим сегодня."); err != nil {
				t.Fatal(err)
			}
		}
	}
	user := q("SELECT CAST(MIN(id) AS TEXT) FROM users")

	type visit struct {
		path string
		// refuse is a form's submit button pressed with the form as it is, for its errors.
		refuse string
	}
	walks := map[string][]visit{
		"": {{path: "/login"}, {path: "/login", refuse: `form[action="/login"] button[type=submit]`}, {path: "/register"},
			{path: "/password-reset"}, {path: "/no/such/page"}, {path: "/a/" + code}},
		"anna.petrova@demo.office": {{path: "/"}, {path: "/a/" + code}, {path: "/a/" + code + "/report?problem=" + problem},
			{path: filed},
			{path: "/tickets"}, {path: "/tickets/" + ticket}, {path: "/profile"}},
		"ivan.sidorov@demo.office":  {{path: "/"}, {path: "/tickets"}, {path: "/tickets?status=in_progress"}, {path: "/tickets/" + ticket}, {path: "/a/" + code}},
		"sergey.volkov@demo.office": {{path: "/"}, {path: "/reports"}, {path: "/upkeep"}, {path: "/upkeep/new", refuse: "#upkeep-form button[type=submit]"}},
		"elena.morozova@demo.office": {{path: "/"}, {path: "/assets"}, {path: "/assets/new", refuse: "#asset-form button[type=submit]"},
			{path: "/assets/" + asset + "/edit"}, {path: "/assets/import"}, {path: "/catalogue"}, {path: "/catalogue/types/" + typ},
			{path: "/rules"}, {path: "/admin/users"}, {path: "/admin/users/" + user}, {path: "/admin/departments"},
			{path: "/admin/departments", refuse: "#dept-new-form button[type=submit]"}, {path: "/admin/service-levels"},
			{path: "/admin/audit"}, {path: "/admin/notifications"}, {path: "/reports"}, {path: "/upkeep"}, {path: "/tickets"},
			{path: "/tickets/" + ticket}, {path: "/profile"}},
	}
	sheets := map[string]string{} // text → its static file's name
	for _, name := range []string{"app.css", "reports.css"} {
		b, err := os.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sheets[string(b)] = name
	}
	// Rules are known by their sheet and the end of their body; the usage lists
	// only the rules used, so every rule comes from the sheets' text.
	type rule struct {
		file string
		end  int
	}
	used := map[rule]bool{}
	starts := map[rule]int{}
	for text, name := range sheets {
		// Chromium counts offsets in UTF-16 units, the parse in bytes.
		u16 := make([]int, len(text)+1)
		n := 0
		for i, c := range text {
			u16[i] = n
			n += len(utf16.Encode([]rune{c}))
		}
		u16[len(text)] = n
		for _, r := range styleRules(text) {
			starts[rule{name, u16[r[1]]}] = r[0]
		}
	}
	for _, vp := range browser.Viewports {
		for who, pages := range walks {
			b := browser.New(t, vp, browser.WithoutAxe(), browser.AcceptLanguage("ru"), browser.Timeout(90*time.Second))
			if who != "" {
				b.Navigate(srv.URL + "/login")
				b.SetValue("#email", who)
				b.SetValue("#password", demo.Password)
				if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
					t.Fatalf("login %s: %d", who, st)
				}
			}
			for _, p := range pages {
				b.Navigate(srv.URL + p.path)
				if p.refuse != "" {
					b.ClickAndWait(p.refuse)
				}
				for _, unfold := range []bool{false, true} {
					if unfold {
						// Every <details> (filters, menus, edit forms) open, so their insides count.
						browser.Eval[int](b, `document.querySelectorAll("details").forEach(d => d.open = true), 0`)
					}
					for _, dark := range []bool{false, true} {
						b.SetDarkMode(dark)
						for _, u := range ruleUsage(t, b) {
							name, ok := sheets[u.text]
							if !ok || !u.Used {
								continue
							}
							used[rule{name, int(u.EndOffset)}] = true
						}
					}
				}
				b.SetDarkMode(false)
			}
		}
	}
	var unused []rule
	size := map[string]int{}
	for r, start := range starts {
		if !used[r] {
			unused = append(unused, r)
			size[r.file] += len(strings.SplitN(text0(sheets, r.file)[start:], "}", 2)[0]) + 1
		}
	}
	sort.Slice(unused, func(i, j int) bool {
		return unused[i].file < unused[j].file || unused[i].file == unused[j].file && unused[i].end < unused[j].end
	})
	text := map[string]string{}
	for s, name := range sheets {
		text[name] = s
	}
	var out strings.Builder
	for _, r := range unused {
		start := starts[r]
		sel, _, _ := strings.Cut(text[r.file][start:], "{")
		fmt.Fprintf(&out, "%s:%d: %s\n", r.file, strings.Count(text[r.file][:start], "\n")+1, strings.Join(strings.Fields(sel), " "))
	}
	t.Logf("%d of %d rules never used (bytes: %v), sheets of %d and %d bytes:\n%s", len(unused), len(starts), size,
		len(text["app.css"]), len(text["reports.css"]), out.String())
}

func parseInt(t *testing.T, s string) int64 {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// text0 is the text of the sheet named name.
func text0(sheets map[string]string, name string) string {
	for text, n := range sheets {
		if n == name {
			return text
		}
	}
	return ""
}

// styleRules finds the style rules of a stylesheet as [start of the selector,
// end of the body] offsets, inside @media and @supports blocks too; keyframes
// and font faces are not style rules. Enough CSS for our own sheets.
func styleRules(css string) [][2]int {
	var out [][2]int
	type block struct {
		style bool
		start int
	}
	var stack []block
	prelude := -1 // where the current prelude starts
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case strings.HasPrefix(css[i:], "/*"):
			end := strings.Index(css[i+2:], "*/")
			if end < 0 {
				return out
			}
			i += end + 3
		case c == '"' || c == '\'':
			for i++; i < len(css) && css[i] != c; i++ {
				if css[i] == '\\' {
					i++
				}
			}
		case c == '{':
			p := strings.TrimSpace(css[max(prelude, 0):i])
			inOther := len(stack) > 0 && !stack[len(stack)-1].style && stack[len(stack)-1].start < 0
			switch {
			case strings.HasPrefix(p, "@media"), strings.HasPrefix(p, "@supports"), strings.HasPrefix(p, "@layer"), strings.HasPrefix(p, "@container"):
				stack = append(stack, block{false, 0})
			case strings.HasPrefix(p, "@") || inOther:
				stack = append(stack, block{false, -1})
			default:
				stack = append(stack, block{true, prelude})
			}
			prelude = -1
		case c == '}':
			if n := len(stack); n > 0 {
				if b := stack[n-1]; b.style {
					out = append(out, [2]int{b.start, i + 1})
				}
				stack = stack[:n-1]
			}
			prelude = -1
		case c == ';':
			prelude = -1
		case prelude < 0 && c != ' ' && c != '\n' && c != '\t' && c != '\r':
			prelude = i
		}
	}
	return out
}

// sheetUsage is a rule's usage with its stylesheet's text.
type sheetUsage struct {
	*css.RuleUsage
	text string
}

// ruleUsage is the usage of every stylesheet rule on the page as it is now:
// tracking started on a loaded page recomputes its styles.
func ruleUsage(t *testing.T, b *browser.Browser) []sheetUsage {
	t.Helper()
	return browser.Run(b, "CSS rule usage", func(ctx context.Context, tg *chromedp.Target) ([]sheetUsage, error) {
		if _, err := cdp.Call(ctx, tg, dom.Enable, dom.EnableParams{}); err != nil {
			return nil, err
		}
		if _, err := cdp.Call(ctx, tg, css.Enable, cdp.Empty{}); err != nil {
			return nil, err
		}
		if _, err := cdp.Call(ctx, tg, css.StartRuleUsageTracking, cdp.Empty{}); err != nil {
			return nil, err
		}
		res, err := cdp.Call(ctx, tg, css.StopRuleUsageTracking, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		texts := map[cdp.StyleSheetID]string{}
		var out []sheetUsage
		for _, u := range res.RuleUsage {
			txt, ok := texts[u.StyleSheetID]
			if !ok {
				r, err := cdp.Call(ctx, tg, css.GetStyleSheetText, css.GetStyleSheetTextParams{StyleSheetID: u.StyleSheetID})
				if err != nil {
					return nil, err
				}
				txt = r.Text
				texts[u.StyleSheetID] = txt
			}
			out = append(out, sheetUsage{u, txt})
		}
		return out, nil
	})
}
