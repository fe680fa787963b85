package web_test

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"smartservice/internal/testkit"
)

// TestFilingRefusesARepeatedField: the pages share the API's rule for a form that
// sends a field twice (the one multipart reader, internal/httpx): refused with a
// page that says so, whether or not the copies agree, and nothing is filed.
func TestFilingRefusesARepeatedField(t *testing.T) {
	t.Parallel()
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			emp := o.login(t, "emp@office.example")
			paper := strconv.FormatInt(o.paper.ID, 10)
			jam := strconv.FormatInt(o.jam.ID, 10)
			for name, parts := range map[string][][2]string{
				"two problems":           {{"problem", paper}, {"problem", jam}, {"comment", "which one?"}},
				"the same comment twice": {{"problem", paper}, {"comment", "again"}, {"comment", "again"}},
			} {
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				for _, kv := range parts {
					if err := mw.WriteField(kv[0], kv[1]); err != nil {
						t.Fatal(err)
					}
				}
				mw.Close()
				req, _ := http.NewRequest("POST", o.srv.URL+"/a/"+o.printer.Code+"/report", &b)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				res, err := emp.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				wantStatus(t, name, res, string(body), http.StatusBadRequest)
				wantContains(t, name, string(body), html.EscapeString(o.en.T("form.repeated_title")), html.EscapeString(o.en.T("form.repeated_body")))
			}
			if n := o.count(t, "tickets"); n != 0 {
				t.Errorf("%d tickets filed from forms with a repeated field", n)
			}
		})
	}
}
