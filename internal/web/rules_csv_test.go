package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// postCSV uploads body as the file "file" of the rules import form.
func postCSV(t *testing.T, c *browserClient, body string) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, err := mw.CreateFormFile("file", "rules.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, body); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+"/rules/import", &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

func TestRulesCSVPage(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newRulesEnv(t, d)
		admin := e.client().login("admin@example.com")
		res, body := admin.get("/rules")
		wantStatus(t, "page", res, body, http.StatusOK)
		wantContains(t, "page", body, `href="/rules/export.csv"`, `action="/rules/import#import"`, `enctype="multipart/form-data"`)

		// A bad file: every line reported, nothing written.
		res, body = postCSV(t, admin, "service_class,service_type,problem_type,department\n"+
			"Kitchen,Printer,any,itsup\nIT equipment,Printer,Paper jam,nodept\n")
		wantStatus(t, "bad import", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "bad import", body, e.T("rulescsv.errors_title"),
			e.T("rulescsv.line", "Line", 2, "Reason", "")+e.T("rulescsv.type_other_class", "Name", "Printer", "Class", "Kitchen"),
			e.T("rulescsv.line", "Line", 3, "Reason", "")+e.T("rulescsv.department_unknown", "Code", "nodept"))
		if list, _ := e.rules.List(context.Background(), e.admin); len(list) != 0 {
			t.Fatalf("a refused import wrote %d rules", len(list))
		}

		// A good file, in Russian names, then the notice with the count.
		res, _ = postCSV(t, admin, "service_class,service_type,problem_type,department\n"+
			"ИТ-оборудование,Принтер,Замялась бумага,itsup\nКухня,любой,,facil\n")
		wantRedirect(t, "import", res, "/rules")
		_, body = admin.get("/rules")
		wantContains(t, "imported", body, e.T("rulescsv.imported", "N", 2), "Paper jam", "Facilities")

		// Export, read by staff; employees are refused, and so is a non-admin import.
		staff := e.client().login("staff@example.com")
		res, body = staff.get("/rules/export.csv")
		wantStatus(t, "export", res, body, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("export content type %q", ct)
		}
		want := "service_class,service_type,problem_type,department\nIT equipment,Printer,Paper jam,itsup\nKitchen,any,any,facil\n"
		if body != want {
			t.Errorf("export:\n%s\nwant\n%s", body, want)
		}
		res, _ = e.client().login("emp@example.com").get("/rules/export.csv")
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("employee export: %d", res.StatusCode)
		}
		res, _ = postCSV(t, staff, want)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("staff import: %d", res.StatusCode)
		}
	})
}
