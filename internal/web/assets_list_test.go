package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// listedNames are the devices' names a list page shows, in order.
func listedNames(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<a href="/a/[a-z2-7]{16}\?from=list" class="wrap">([^<]*)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestAssetsListByRole(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		res, _ := e.client().get("/assets?q=hp")
		wantRedirect(t, "anonymous", res, "/login?next="+url.QueryEscape("/assets?q=hp"))

		admin := e.client().login("admin@example.com")
		res, body := admin.get("/assets")
		wantStatus(t, "admin", res, body, http.StatusOK)
		wantContains(t, "admin", body, `href="/assets/new"`, e.T("assets.add"), `href="/catalogue"`, e.T("assets.count", "Count", 2),
			`action="/assets/labels.pdf"`, fmt.Sprintf(`name="ids" value="%d"`, e.pr.ID), idPath(e.pr.ID, "/edit"),
			"Printer &lt;b&gt;HP&lt;/b&gt; 3rd floor", "IT equipment", "INV-001", "A, 3, 301")
		if got := listedNames(body); len(got) != 2 || got[1] != "Olga&#39;s laptop" {
			t.Errorf("admin sees %q", got)
		}

		emp := e.client().login("emp@example.com")
		res, body = emp.get("/assets")
		wantStatus(t, "employee", res, body, http.StatusOK)
		wantContains(t, "employee", body, e.T("assets.find_title"), e.T("assets.count", "Count", 1), deviceHref(e.pr)+"?from=list")
		wantNotContains(t, "employee", body, `href="/assets/new"`, "laptop", `name="ids"`, "/edit", "labels.pdf", `href="/catalogue"`)
		res, body = e.client().login("owner@example.com").get("/assets")
		wantStatus(t, "owner", res, body, http.StatusOK)
		if got := listedNames(body); len(got) != 2 {
			t.Errorf("the owner sees %q, want the printer and their laptop", got)
		}
		// The layout links the list for everyone logged in.
		wantContains(t, "the header", body, `<a href="/assets" aria-current="page">`+e.T("assets.nav")+`</a>`)
	})
}

func TestAssetsListSearchFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := newAssetsEnv(t, testkit.NewDB(t, db.SQLite))
	ctx := context.Background()
	for i := 1; i <= 55; i++ {
		if _, err := e.svc.CreateAsset(ctx, e.admin, assets.AssetInput{Name: fmt.Sprintf("Кофемашина №%02d", i), TypeID: e.coffee.ID,
			InventoryNumber: fmt.Sprintf("K-%02d", i), Location: assets.Location{Building: "B", Floor: fmt.Sprint(1 + i%3)}}); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.client().login("admin@example.com")
	cases := []struct {
		query string
		count int
		first string
	}{
		{"q=hp", 1, "Printer &lt;b&gt;HP&lt;/b&gt; 3rd floor"},
		{"q=КОФЕМАШИНА+%E2%84%9607", 1, "Кофемашина №07"},
		{"q=inv-001", 1, "Printer &lt;b&gt;HP&lt;/b&gt; 3rd floor"},
		{"q=301", 1, "Printer &lt;b&gt;HP&lt;/b&gt; 3rd floor"},
		{"q=%25", 0, ""},
		{fmt.Sprintf("class=%d", e.it.ID), 2, "Printer &lt;b&gt;HP&lt;/b&gt; 3rd floor"},
		{fmt.Sprintf("type=%d", e.laptop.ID), 1, "Olga&#39;s laptop"},
		{"building=B&floor=2", 19, "Кофемашина №01"},
		{"archived=yes", 1, "Old coffee machine"},
		{"class=abc&type=-1&after=zz", 57, "Printer &lt;b&gt;HP&lt;/b&gt; 3rd floor"},
	}
	for _, c := range cases {
		res, body := admin.get("/assets?" + c.query)
		wantStatus(t, c.query, res, body, http.StatusOK)
		wantContains(t, c.query, body, e.T("assets.count", "Count", c.count))
		if got := listedNames(body); c.count > 0 && (len(got) == 0 || got[0] != c.first) {
			t.Errorf("%s: first %q, want %q", c.query, got, c.first)
		}
	}
	// The filters' choices come from the devices, the current ones marked.
	_, body := admin.get("/assets?building=B&floor=2")
	wantContains(t, "filters", body, `<option value="B" selected>B</option>`, `<option value="2" selected>2</option>`, "<details class=\"more\" open>",
		`<optgroup label="Kitchen"><option value="`)

	// 57 devices in service: a page of 50, then the rest.
	res, body := admin.get("/assets")
	wantStatus(t, "page 1", res, body, http.StatusOK)
	if got := len(listedNames(body)); got != 50 {
		t.Fatalf("page 1 shows %d", got)
	}
	next := regexp.MustCompile(`href="(/assets\?after=\d+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	res, body = admin.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	wantStatus(t, "page 2", res, body, http.StatusOK)
	if got := len(listedNames(body)); got != 7 {
		t.Fatalf("page 2 shows %d", got)
	}
	wantContains(t, "page 2", body, e.T("assets.first_page"), e.T("assets.count", "Count", 57))
	wantNotContains(t, "page 2", body, `rel="next"`)
	// The filter is kept on the pages.
	_, body = admin.get("/assets?building=B")
	wantContains(t, "filtered pages", body, `href="/assets?after=`, `building=B`, `href="/assets/labels.pdf?building=B"`)

	res, body = admin.get("/assets?q=" + strings.Repeat("x", 300))
	wantStatus(t, "a long search", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "a long search", body, e.T("validation.search_long"))
}
