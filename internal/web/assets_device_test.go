package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

func TestDevicePageByRole(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		path := deviceHref(e.pr)

		res, _ := e.client().get(path)
		wantRedirect(t, "anonymous", res, "/login?next="+url.QueryEscape(path))
		if e.asset(e.pr.ID).ScanCount != 0 {
			t.Fatal("an anonymous visit counted a scan")
		}

		emp := e.client().login("emp@example.com")
		res, body := emp.get(path)
		wantStatus(t, "employee", res, body, http.StatusOK)
		wantContains(t, "employee", body,
			"Printer &lt;b&gt;HP&lt;/b&gt; 3rd floor", "A, 3, 301", "IT equipment · Printer", e.T("device.page_problems_title"),
			fmt.Sprintf(`<a class="problem" href="/a/%s/report?problem=%d">Out of paper</a>`, e.pr.Code, e.paper.ID),
			fmt.Sprintf(`<a class="problem" href="/a/%s/report?problem=%d">Paper jam</a>`, e.pr.Code, e.jam.ID),
			// Instructions: escaped, with the web address (and only it) made a link.
			`Manual: <a href="https://wiki.example/hp?x=1&amp;y=2" rel="noopener nofollow">https://wiki.example/hp?x=1&amp;y=2</a>.`,
			"&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(2)")
		wantNotContains(t, "employee", body, "<b>HP</b>", "<script>alert", `href="javascript`, "/edit", e.T("device.page_admin_title"))
		if i, j := strings.Index(body, "Out of paper"), strings.Index(body, "Paper jam"); i < 0 || j < i {
			t.Error("the problems are not in the type's order")
		}
		if got := e.asset(e.pr.ID); got.ScanCount != 1 || got.LastScannedAt == nil {
			t.Fatalf("after one scan: count %d, last %v", got.ScanCount, got.LastScannedAt)
		}
		// A visit from the list is not a scan of the label.
		res, _ = emp.get(path + "?from=list")
		wantStatus(t, "from the list", res, "", http.StatusOK)
		if got := e.asset(e.pr.ID).ScanCount; got != 1 {
			t.Fatalf("a visit from the list counted a scan: %d", got)
		}

		admin := e.client().login("admin@example.com")
		res, body = admin.get(path)
		wantStatus(t, "admin", res, body, http.StatusOK)
		wantContains(t, "admin", body, e.T("device.page_admin_title"), idPath(e.pr.ID, "/edit"), idPath(e.pr.ID, "/label.pdf"),
			idPath(e.pr.ID, "/qr.png"), idPath(e.pr.ID, "/qr.svg"), "<dd>2</dd>", "INV-001")

		// A retired device says so and offers no buttons.
		res, body = emp.get(deviceHref(e.old))
		wantStatus(t, "retired", res, body, http.StatusOK)
		wantContains(t, "retired", body, e.T("device.page_retired_title"))
		wantNotContains(t, "retired", body, `class="problem"`)
	})
}

func TestDevicePageHidesWhatIsNotYours(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		laptop := deviceHref(e.lt)
		for _, who := range []string{"owner@example.com", "staff@example.com", "admin@example.com"} {
			res, body := e.client().login(who).get(laptop)
			wantStatus(t, who+" opens the laptop", res, body, http.StatusOK)
			wantContains(t, who, body, "Olga&#39;s laptop", e.T("device.page_personal"), "<title>Olga&#39;s laptop · ")
		}
		colleague := e.client().login("emp@example.com")
		res, hidden := colleague.get(laptop)
		wantStatus(t, "a colleague opens the laptop", res, hidden, http.StatusNotFound)
		wantContains(t, "a colleague", hidden, e.T("device.page_missing_title"))
		wantNotContains(t, "a colleague", hidden, "laptop", "Olga")

		// Unknown and malformed codes get the very same page.
		for _, code := range []string{
			"aaaaaaaaaaaaaaaa", strings.ToUpper(e.pr.Code), e.pr.Code + "a", e.pr.Code[:15], strings.Repeat("a", 10240),
			"..%2F..%2Fetc%2Fpasswd", "%2e%2e", "пример-кода-1234", "aaaa%00aaaaaaaaaaa", "<script>", "1",
		} {
			res, body := colleague.get("/a/" + code)
			wantStatus(t, "code "+abbrev(code), res, body, http.StatusNotFound)
			if samePage(body) != samePage(hidden) {
				t.Errorf("code %s: the 404 differs from a hidden device's", abbrev(code))
			}
		}
		// A session-less probe learns nothing either: every code asks for a login.
		res, _ = e.client().get(laptop)
		wantRedirect(t, "anonymous", res, "/login?next="+url.QueryEscape(laptop))
	})
}

func TestReissuedCodeSaysLabelReplaced(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		admin := e.client().login("admin@example.com")
		res, body := admin.post(idPath(e.pr.ID, "/reissue"), url.Values{})
		wantStatus(t, "re-issue without the confirmation", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "re-issue without the confirmation", body, e.T("assets.reissue_confirm_needed"))
		if e.asset(e.pr.ID).Code != e.pr.Code {
			t.Fatal("the code changed without the confirmation")
		}
		res, _ = admin.post(idPath(e.pr.ID, "/reissue"), url.Values{"confirm": {"yes"}})
		wantRedirect(t, "re-issue", res, idPath(e.pr.ID, "/edit"))
		fresh := e.asset(e.pr.ID)
		if fresh.Code == e.pr.Code {
			t.Fatal("the code did not change")
		}
		emp := e.client().login("emp@example.com")
		res, body = emp.get(deviceHref(e.pr))
		wantStatus(t, "the old label", res, body, http.StatusNotFound)
		wantContains(t, "the old label", body, e.T("device.page_replaced_title"), e.T("device.page_replaced_body"))
		wantNotContains(t, "the old label", body, "HP")
		res, body = emp.get(deviceHref(fresh))
		wantStatus(t, "the new label", res, body, http.StatusOK)
		res, _ = emp.get(deviceHref(e.pr) + "/report?problem=" + fmt.Sprint(e.paper.ID))
		wantStatus(t, "the old label's problem page", res, "", http.StatusNotFound)
	})
}

func TestDeviceReportShowsSelfHelp(t *testing.T) {
	t.Parallel()
	e := newAssetsEnv(t, testkit.NewDB(t, db.SQLite))
	emp := e.client().login("emp@example.com")
	report := func(a string, problem int64) string { return fmt.Sprintf("/a/%s/report?problem=%d", a, problem) }
	res, body := emp.get(report(e.pr.Code, e.paper.ID))
	wantStatus(t, "report", res, body, http.StatusOK)
	wantContains(t, "report", body, "Out of paper", "Paper is in the cupboard under the printer, see "+
		`<a href="https://wiki.example/paper" rel="noopener nofollow">https://wiki.example/paper</a>.`,
		e.T("filing.try_this"), `action="/a/`+e.pr.Code+`/report" enctype="multipart/form-data"`, `href="/a/`+e.pr.Code+`"`)
	if e.asset(e.pr.ID).ScanCount != 0 {
		t.Error("the problem page counted a scan")
	}
	for what, path := range map[string]string{
		"a problem the type does not offer": report(e.pr.Code, e.leak.ID),
		"an unknown problem":                report(e.pr.Code, 99999),
		"a malformed problem":               "/a/" + e.pr.Code + "/report?problem=abc",
		"no problem":                        "/a/" + e.pr.Code + "/report",
		"a retired device":                  report(e.old.Code, e.leak.ID),
	} {
		res, body := emp.get(path)
		wantStatus(t, what, res, body, http.StatusNotFound)
	}
	res, hidden := emp.get(report(e.lt.Code, e.paper.ID))
	wantStatus(t, "a colleague's laptop", res, hidden, http.StatusNotFound)
	wantContains(t, "a colleague's laptop", hidden, e.T("device.page_missing_title"))
	res, _ = e.client().get(report(e.pr.Code, e.paper.ID))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", res.StatusCode)
	}
}

func abbrev(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
