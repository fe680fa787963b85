package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/users"
)

func TestStarterImportExportPages(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			srv := testserver.Start(t, testserver.Options{Dialect: dialect})
			ctx := context.Background()
			for _, in := range []users.CreateInput{
				{Email: "admin@office.example", FullName: "Admin", Roles: []users.Role{users.RoleAdmin}, Password: "long enough passphrase"},
				{Email: "emp@office.example", FullName: "Emp", Roles: []users.Role{users.RoleEmployee}, Password: "long enough passphrase"},
			} {
				if _, err := srv.App.Accounts.CreateUser(ctx, in); err != nil {
					t.Fatal(err)
				}
			}
			as := func(email string) *loginClient {
				c := newLoginClient(t, srv.URL)
				if res := c.post(t, "/login", url.Values{"email": {email}, "password": {"long enough passphrase"}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("login %s: %d", email, res.StatusCode)
				}
				return c
			}
			admin, emp := as("admin@office.example"), as("emp@office.example")

			if res := emp.post(t, "/catalogue/starter", nil); res.StatusCode != http.StatusForbidden {
				t.Fatalf("an employee loaded the starter catalogue: %d", res.StatusCode)
			}
			if _, body := admin.get(t, "/catalogue"); !strings.Contains(body, `action="/catalogue/starter"`) {
				t.Fatal("an empty catalogue should offer the starter catalogue")
			}
			if res := admin.post(t, "/catalogue/starter", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("load starter: %d", res.StatusCode)
			}
			if _, body := admin.get(t, "/catalogue"); strings.Contains(body, `action="/catalogue/starter"`) || !strings.Contains(body, "Coffee machine") && !strings.Contains(body, "Кофемашина") {
				t.Fatal("after loading, the catalogue should list the starter types and no longer offer the button")
			}
			if res := admin.post(t, "/catalogue/starter", nil); res.StatusCode != http.StatusConflict {
				t.Fatalf("a second load: %d, want 409", res.StatusCode)
			}

			upload := func(c *loginClient, csv string, dry bool) (int, string) {
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				fw, _ := mw.CreateFormFile("file", "devices.csv")
				io.WriteString(fw, csv)
				if dry {
					mw.WriteField("dry_run", "1")
				}
				mw.Close()
				req, _ := http.NewRequest("POST", srv.URL+"/assets/import", &buf)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				res, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				return res.StatusCode, string(b)
			}
			head := "name,class,type,inventory_number,building,floor,room,instructions,owner_email,archived\n"
			bad := head + "Coffee <b>3</b>,Kitchen and food,Coffee machine,INV-1,HQ,3,301,,,\n,Kitchen and food,Coffee machine,INV-2,HQ,3,302,,,\n"
			if st, body := upload(admin, bad, true); st != http.StatusOK || !strings.Contains(body, "<td>3</td>") || strings.Contains(body, "<b>3</b>") {
				t.Fatalf("dry run with a bad row on line 3: %d\n%s", st, body)
			}
			if st, _ := upload(admin, bad, false); st != http.StatusUnprocessableEntity {
				t.Fatalf("a real import with a bad row: %d, want 422", st)
			}
			if _, body := admin.get(t, "/assets/export.csv"); strings.Contains(body, "INV-1") {
				t.Fatal("a failed import wrote rows")
			}
			good := head + "\"=HYPERLINK(\"\"x\"\")\",Kitchen and food,Coffee machine,INV-9,HQ,3,301,,,\n"
			if st, body := upload(admin, good, false); st != http.StatusOK {
				t.Fatalf("import: %d\n%s", st, body[strings.Index(body, "<main"):])
			}
			res, body := admin.get(t, "/assets/export.csv")
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, "'=HYPERLINK") {
				t.Fatalf("export: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			if st, _ := upload(emp, good, true); st != http.StatusForbidden {
				t.Fatalf("an employee imported: %d", st)
			}
			if res, _ := emp.get(t, "/assets/export.csv"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("an employee exported: %d", res.StatusCode)
			}
		})
	}
}
