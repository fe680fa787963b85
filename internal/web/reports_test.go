package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"smartservice/internal/assets"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
)

// TestReportPages: the report page, its exports and who may open them, on a real
// server on both databases. The figures themselves are checked against a
// straightforward computation in internal/reports; here: the page shows them,
// the chooser keeps the query, bad input is explained, and the exports carry the
// same numbers, formula-safe.
func TestReportPages(t *testing.T) {
	t.Parallel()
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			w := newJournalWorld(t, testserver.Start(t, testserver.Options{Dialect: dialect}))
			ctx, a := w.ctx, w.srv.App
			// t1 is worked through to done by ex; a device whose name a spreadsheet
			// would run as a formula gets an incident in IT.
			for _, step := range []func(t *tickets.Ticket) (*tickets.Ticket, error){
				func(tk *tickets.Ticket) (*tickets.Ticket, error) { return a.Tickets.Start(ctx, w.ex, tk.ID) },
				func(tk *tickets.Ticket) (*tickets.Ticket, error) {
					return a.Tickets.Complete(ctx, w.ex, tk.ID, "filled")
				},
			} {
				w.must(step(w.t1))
			}
			evil := w.must(a.Assets.CreateAsset(ctx, w.admin, assets.AssetInput{Name: "=HYPERLINK(\"http://evil.example\");=1+2", TypeID: w.printerType})).(*assets.Asset)
			w.file(w.emp, evil, w.paper, "")
			zone := a.Config.Location
			today := time.Now().In(zone).Format("2006-01-02")
			weekAgo := time.Now().In(zone).AddDate(0, 0, -6).Format("2006-01-02")

			t.Run("Head", func(t *testing.T) {
				res, body := w.as(w.head).get("/reports")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET /reports: %d", res.StatusCode)
				}
				for _, want := range []string{w.T("reports.figures"), w.T("reports.per_day"), `<svg class="chart"`, `value="` + weekAgo + `"`, `value="` + today + `"`,
					w.T("reports.my_departments"), `href="/reports/export.csv?`} {
					if !strings.Contains(body, want) {
						t.Errorf("the page lacks %q", want)
					}
				}
				// IT's tickets: t1 (done) and the evil one; the head does not see
				// Facilities' or the unrouted ticket, and may pick IT only.
				if !strings.Contains(body, `<option value="`+rid(w.it.ID)+`"`) || strings.Contains(body, `<option value="`+rid(w.fac.ID)+`"`) {
					t.Errorf("the department choice is not the head's")
				}
				tile := `<span class="tile-label">` + w.T("reports.created") + `</span><strong class="tile-value">2</strong>`
				if !strings.Contains(body, tile) {
					t.Errorf("created should be 2 for IT")
				}
				if !strings.Contains(body, `<span class="tile-label">`+w.T("reports.completed")+`</span><strong class="tile-value">1</strong>`) {
					t.Errorf("completed should be 1 for IT")
				}
				// Breakdown lines open the journal filtered the same way.
				if !strings.Contains(body, `href="/tickets?department=`+rid(w.it.ID)+`&amp;from=`+weekAgo+`&amp;to=`+today+`"`) {
					t.Errorf("the department line does not link to the journal")
				}
				if !strings.Contains(body, "Ivan Executor") {
					t.Errorf("the executor breakdown lacks ex")
				}
				if res, _ := w.as(w.head).get("/reports?department_id=" + rid(w.fac.ID)); res.StatusCode != http.StatusNotFound {
					t.Errorf("another department: %d, want 404", res.StatusCode)
				}
				if res, _ := w.as(w.head).get("/reports?department_id=999999"); res.StatusCode != http.StatusNotFound {
					t.Errorf("no such department: %d, want 404", res.StatusCode)
				}
			})
			t.Run("Admin", func(t *testing.T) {
				res, body := w.as(w.admin).get("/reports?department_id=" + rid(w.fac.ID) + "&from=" + weekAgo + "&to=" + today)
				if res.StatusCode != http.StatusOK || !strings.Contains(body, `<option value="`+rid(w.fac.ID)+`" selected>`) {
					t.Fatalf("admin, facilities: %d", res.StatusCode)
				}
				if !strings.Contains(body, `<span class="tile-label">`+w.T("reports.created")+`</span><strong class="tile-value">1</strong>`) {
					t.Errorf("facilities created should be 1")
				}
				// Presets keep the department.
				if !strings.Contains(body, "department_id="+rid(w.fac.ID)+"&amp;from=") {
					t.Errorf("the presets drop the department")
				}
				_, body = w.as(w.admin).get("/reports")
				if !strings.Contains(body, `<span class="tile-label">`+w.T("reports.created")+`</span><strong class="tile-value">4</strong>`) {
					t.Errorf("all departments: created should be 4")
				}
				if !strings.Contains(body, w.T("reports.no_department")) {
					t.Errorf("the unrouted ticket is not in the department breakdown")
				}
			})
			t.Run("Refused", func(t *testing.T) {
				for _, u := range []string{"emp", "ex"} {
					c := map[string]*browserClient{"emp": w.as(w.emp), "ex": w.as(w.ex)}[u]
					for _, p := range []string{"/reports", "/reports/export.csv", "/reports/export.xlsx"} {
						if res, _ := c.get(p); res.StatusCode != http.StatusForbidden {
							t.Errorf("%s %s: %d, want 403", u, p, res.StatusCode)
						}
					}
				}
				if res, _ := newBrowserClient(t, w.srv.URL).get("/reports"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
					t.Errorf("anonymous: %d to %s", res.StatusCode, res.Header.Get("Location"))
				}
				_, home := w.as(w.head).get("/")
				_, exHome := w.as(w.ex).get("/")
				if !strings.Contains(home, `href="/reports"`) || strings.Contains(exHome, `href="/reports"`) {
					t.Errorf("the home's report link: head %v, executor %v", strings.Contains(home, `href="/reports"`), strings.Contains(exHome, `href="/reports"`))
				}
			})
			t.Run("BadInput", func(t *testing.T) {
				for _, c := range []struct{ query, key string }{
					{"from=2026-13-01", "reports.bad_date"},
					{"from=2026-03-10&to=2026-03-01", "reports.to_before_from"},
					{"from=2020-01-01&to=2024-01-01", "reports.too_long"},
					{"department_id=abc", "reports.bad_department"},
				} {
					res, body := w.as(w.admin).get("/reports?" + c.query)
					msg := w.T(c.key, "Years", 3)
					if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, msg) || strings.Contains(body, `<svg class="chart"`) {
						t.Errorf("%s: %d, want 422 with %q", c.query, res.StatusCode, msg)
					}
				}
				// An empty period is zeros and an empty chart, not an error.
				res, body := w.as(w.admin).get("/reports?from=2021-01-01&to=2021-01-31")
				if res.StatusCode != http.StatusOK || !strings.Contains(body, w.T("reports.empty")) || strings.Count(body, "<tr><th scope=\"row\">") < 31 {
					t.Errorf("empty period: %d", res.StatusCode)
				}
			})
			t.Run("Exports", func(t *testing.T) {
				res, body := w.as(w.admin).get("/reports/export.csv")
				if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
					!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
					t.Fatalf("csv: %d %v", res.StatusCode, res.Header)
				}
				r := csv.NewReader(strings.NewReader(body))
				r.FieldsPerRecord = -1
				recs, err := r.ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				var created, evilSafe bool
				for _, rec := range recs {
					if len(rec) == 3 && rec[0] == w.en.T("reports.created") && rec[1] == "4" {
						created = true
					}
					for _, c := range rec {
						if strings.HasPrefix(c, "=") || strings.HasPrefix(c, "+") || strings.HasPrefix(c, "@") {
							t.Errorf("a cell a spreadsheet would run: %q", c)
						}
						if strings.HasPrefix(c, "'=HYPERLINK") {
							evilSafe = true
						}
					}
				}
				// Whichever of , ; and tab a spreadsheet splits on, no cell starts a formula.
				if bad := testkit.FormulaCells(body); len(bad) > 0 {
					t.Errorf("cells a spreadsheet would run: %q", bad)
				}
				if !created || !evilSafe {
					t.Errorf("csv: created row %v, neutralised device %v:\n%s", created, evilSafe, body)
				}
				res, body = w.as(w.admin).get("/reports/export.xlsx?from=" + weekAgo)
				if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
					t.Fatalf("xlsx: %d %v", res.StatusCode, res.Header)
				}
				f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				rows, err := f.GetRows(w.en.T("reports.sheet_figures"))
				if err != nil || len(rows) < 2 || rows[1][0] != w.en.T("reports.created") || rows[1][1] != "4" {
					t.Errorf("xlsx figures: %v %v", rows, err)
				}
				if days, _ := f.GetRows(w.en.T("reports.sheet_days")); len(days) != 8 {
					t.Errorf("xlsx days: %d rows, want a header and 7 days", len(days))
				}
				if res, _ := w.as(w.admin).get("/reports/export.csv?to=nonsense"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/reports?to=nonsense" {
					t.Errorf("a bad export query goes back to the page, got %d to %s", res.StatusCode, res.Header.Get("Location"))
				}
			})
		})
	}
}

func rid(id int64) string { return strconv.FormatInt(id, 10) }
