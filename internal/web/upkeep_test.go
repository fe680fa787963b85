package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/upkeep"
)

// TestUpkeepPagesAccessAndExport: the plan list and its CSV for an admin (a
// formula in a plan's name is neutralised), 403 for an employee, the same 404
// for another department's plan as for an absent one, and a refused form keeps
// its values with the reason beside the field.
func TestUpkeepPagesAccessAndExport(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	ctx := context.Background()
	admin, err := srv.App.Accounts.UserByEmail(ctx, "elena.morozova@demo.office")
	if err != nil {
		t.Fatal(err)
	}
	var typeID, problemID int64
	if err := srv.App.DB.R.QueryRow(`SELECT st.id, pt.id FROM service_types st JOIN type_problems tp ON tp.type_id = st.id
		JOIN problem_types pt ON pt.id = tp.problem_type_id WHERE st.name_en = 'Fridge' AND pt.name_en = 'needs cleaning'`).Scan(&typeID, &problemID); err != nil {
		t.Fatal(err)
	}
	start, _ := upkeep.ParseDate("2026-01-01")
	p, err := srv.App.Upkeep.Create(ctx, admin, upkeep.Input{Name: "=1+2 fridges", Target: upkeep.TargetType, TypeID: typeID, ProblemID: problemID,
		Active: true, Schedule: upkeep.Schedule{Every: upkeep.EveryWeeks, N: 1, Weekdays: 1 << 1, AtMinute: 9 * 60, Start: start}})
	if err != nil {
		t.Fatal(err)
	}
	login := func(email string) *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		res, err := c.PostForm(srv.URL+"/login", url.Values{"email": {email}, "password": {demo.Password}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return c
	}
	get := func(c *http.Client, path string) (int, string) {
		res, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	ad := login("elena.morozova@demo.office")
	if st, body := get(ad, "/upkeep"); st != http.StatusOK || !strings.Contains(body, "fridges") {
		t.Fatalf("/upkeep for the admin: %d", st)
	}
	st, csv := get(ad, "/upkeep/export.csv")
	if st != http.StatusOK || !strings.Contains(csv, "'=1+2 fridges") || strings.Contains(csv, ",=1+2") {
		t.Fatalf("export: %d %q", st, csv)
	}
	emp := login("anna.petrova@demo.office")
	if st, _ := get(emp, "/upkeep"); st != http.StatusForbidden {
		t.Fatalf("/upkeep for an employee: %d", st)
	}
	// The head of office, facilities and cleaning: fridges' cleaning goes to
	// cleaning, so the plan is theirs; IT's executor sees neither.
	ex := login("ivan.sidorov@demo.office")
	stSeen, _ := get(ex, "/upkeep/"+strconv.FormatInt(p.ID, 10))
	stAbsent, _ := get(ex, "/upkeep/999999")
	if stSeen != http.StatusNotFound || stAbsent != http.StatusNotFound {
		t.Fatalf("executor: %d for a plan, %d for an absent one", stSeen, stAbsent)
	}
	// The device page offers a plan for that device to the admin, who may plan,
	// not to an executor or an employee.
	var devID int64
	var devCode string
	if err := srv.App.DB.R.QueryRow(`SELECT id, code FROM assets WHERE archived = 0 AND owner_id IS NULL ORDER BY id LIMIT 1`).Scan(&devID, &devCode); err != nil {
		t.Fatal(err)
	}
	offer := `href="/upkeep/new?asset_id=` + strconv.FormatInt(devID, 10) + `"`
	if st, body := get(ad, "/a/"+devCode); st != http.StatusOK || !strings.Contains(body, offer) {
		t.Fatalf("device page for the admin (%d) lacks %s", st, offer)
	}
	for _, c := range []*http.Client{ex, emp} {
		if st, body := get(c, "/a/"+devCode); st != http.StatusOK || strings.Contains(body, "/upkeep/new") {
			t.Fatalf("device page offers a plan to one who may not (%d)", st)
		}
	}
	if st, body := get(ad, "/upkeep/new?asset_id="+strconv.FormatInt(devID, 10)); st != http.StatusOK || !strings.Contains(body, "asset_id") {
		t.Fatalf("the offered form: %d", st)
	}
	// A refused form: every 0 weeks and no weekday, values kept.
	form := url.Values{"name": {"Fridges again"}, "target": {"type"}, "type_id": {strconv.FormatInt(typeID, 10)}, "problem_type_id": {strconv.FormatInt(problemID, 10)},
		"every": {"weeks"}, "every_n": {"0"}, "at": {"09:00"}, "start": {"2026-01-01"}, "active": {"1"}}
	res, err := ad.PostForm(srv.URL+"/upkeep", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	body := string(b)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Fridges again"`) || !strings.Contains(body, `id="n-err"`) {
		t.Fatalf("refused form: %d", res.StatusCode)
	}
}
