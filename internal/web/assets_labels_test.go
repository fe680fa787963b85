package web_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/qrread"
)

// decodeQR reads the QR code in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	got, err := qrread.Text(img)
	if err != nil {
		t.Fatalf("no QR code could be read: %v", err)
	}
	return got
}

// pdfPage renders the first page of a PDF to an image at dpi with Debian's
// pdftoppm (poppler-utils), skipping the test when it is not installed.
func pdfPage(t *testing.T, pdf []byte, dpi int) image.Image {
	t.Helper()
	exe, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm is not installed (apt-get install poppler-utils): skipping the read-back of the label sheet")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(exe, "-r", fmt.Sprint(dpi), "-png", "-gray", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// pdfText extracts the text of a PDF with pdftotext, its white space collapsed,
// or skips.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	exe, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils): skipping the text check of the label sheet")
	}
	cmd := exec.Command(exe, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Names wrap on a label: compare words, not lines.
	return strings.Join(strings.Fields(string(out)), " ")
}

// labelCell is the part of a rendered A4 sheet (at dpi) that holds label i: 3
// columns of 70 mm, 7 rows of 42.3 mm.
func labelCell(img image.Image, dpi, i int) image.Image {
	px := func(mm float64) int { return int(mm / 25.4 * float64(dpi)) }
	col, row := i%3, i/3
	r := image.Rect(px(float64(col)*70), px(0.45+float64(row)*42.3), px(float64(col+1)*70), px(0.45+float64(row+1)*42.3))
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r)
}

func TestQRImages(t *testing.T) {
	t.Parallel()
	e := newAssetsEnv(t, testkit.NewDB(t, db.SQLite))
	admin, emp := e.client().login("admin@example.com"), e.client().login("emp@example.com")
	want := strings.TrimSuffix(e.cfg.BaseURL.String(), "/") + "/a/" + e.pr.Code

	res, body := admin.get(idPath(e.pr.ID, "/qr.png?size=300"))
	wantStatus(t, "PNG", res, "", http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "image/png" {
		t.Fatalf("PNG content type %q", ct)
	}
	img, err := png.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 300 {
		t.Errorf("PNG size %v", b)
	}
	if got := decodeQR(t, img); got != want {
		t.Fatalf("the PNG's QR code reads %q, want %q", got, want)
	}
	// The personal laptop's code too (admins see every device).
	_, body = admin.get(idPath(e.lt.ID, "/qr.png"))
	img, _ = png.Decode(strings.NewReader(body))
	if got := decodeQR(t, img); !strings.HasSuffix(got, "/a/"+e.lt.Code) {
		t.Fatalf("the laptop's QR reads %q", got)
	}

	res, body = admin.get(idPath(e.pr.ID, "/qr.svg"))
	wantStatus(t, "SVG", res, "", http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" || !strings.HasPrefix(body, "<svg") {
		t.Fatalf("SVG: %q %.60s", ct, body)
	}
	if err := xml.Unmarshal([]byte(body), new(struct{})); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v", err)
	}

	for _, path := range []string{idPath(e.pr.ID, "/qr.png"), idPath(e.pr.ID, "/qr.svg"), idPath(e.pr.ID, "/label.pdf"), "/assets/labels.pdf?ids=1"} {
		res, body := emp.get(path)
		wantStatus(t, "employee "+path, res, body, http.StatusForbidden)
	}
	for path, status := range map[string]int{
		idPath(e.pr.ID, "/qr.png?size=10"):   http.StatusBadRequest,
		idPath(e.pr.ID, "/qr.png?size=9999"): http.StatusBadRequest,
		idPath(e.pr.ID, "/qr.png?size=abc"):  http.StatusBadRequest,
		idPath(99999, "/qr.png"):             http.StatusNotFound,
		"/assets/abc/qr.svg":                 http.StatusNotFound,
	} {
		res, body := admin.get(path)
		wantStatus(t, path, res, body, status)
	}
}

func TestLabelSheets(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		admin := e.client().login("admin@example.com")
		base := strings.TrimSuffix(e.cfg.BaseURL.String(), "/")

		for path, status := range map[string]int{
			"/assets/labels.pdf?ids=abc":                            http.StatusBadRequest,
			"/assets/labels.pdf?ids=1,-2":                           http.StatusBadRequest,
			"/assets/labels.pdf?ids=1.5":                            http.StatusBadRequest,
			"/assets/labels.pdf?ids=99999999999999999999":           http.StatusBadRequest,
			"/assets/labels.pdf?ids=" + manyIDs(501):                http.StatusBadRequest,
			"/assets/labels.pdf?selected=1":                         http.StatusBadRequest,
			"/assets/labels.pdf?ids=":                               http.StatusBadRequest,
			fmt.Sprintf("/assets/labels.pdf?ids=%d,99999", e.pr.ID): http.StatusNotFound,
			"/assets/labels.pdf?q=nothing-matches":                  http.StatusBadRequest,
			idPath(99999, "/label.pdf"):                             http.StatusNotFound,
		} {
			res, body := admin.get(path)
			wantStatus(t, abbrev(path), res, body, status)
			if status == http.StatusBadRequest && !strings.Contains(body, e.T("error.bad_request_title")) {
				t.Errorf("%s: not the 400 page", abbrev(path))
			}
		}
		_, body := admin.get("/assets/labels.pdf?selected=1")
		wantContains(t, "nothing chosen", body, e.T("labels.none_chosen"))
		// From the list's form (it names the list it was on), nothing chosen goes
		// back to that list, filters kept, with the message on it.
		res, body := admin.get("/assets/labels.pdf?selected=1&back=" + url.QueryEscape("/assets?q=Printer"))
		wantStatus(t, "nothing chosen from the list", res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/assets?q=Printer&labels=none" {
			t.Errorf("nothing chosen went to %s", loc)
		}
		_, body = admin.get(res.Header.Get("Location"))
		wantContains(t, "nothing chosen on the list", body, e.T("labels.none_chosen"), `value="Printer"`)
		res, body = admin.get("/assets/labels.pdf?selected=1&back=" + url.QueryEscape("//evil.example/assets"))
		wantStatus(t, "nothing chosen, foreign back", res, body, http.StatusBadRequest)

		// The sheet: ids as the API gives them and as the checkboxes send them, repeats dropped.
		path := fmt.Sprintf("/assets/labels.pdf?ids=%d,%d&ids=%d&ids=%d", e.pr.ID, e.lt.ID, e.old.ID, e.pr.ID)
		res, pdf := admin.get(path)
		wantStatus(t, "the sheet", res, "", http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("sheet: %q %.8q", ct, pdf)
		}
		text := pdfText(t, []byte(pdf))
		for _, s := range []string{"Printer <b>HP</b>", "Olga's laptop", "Old coffee machine", "Офис на Тверской", assets.ShortCode(e.pr.Code), "A, 3, 301"} {
			if !strings.Contains(text, s) {
				t.Errorf("the sheet's text lacks %q:\n%s", s, text)
			}
		}
		page := pdfPage(t, []byte(pdf), 200)
		for i, a := range []*assets.Asset{e.pr, e.lt, e.old} {
			if got, want := decodeQR(t, labelCell(page, 200, i)), base+"/a/"+a.Code; got != want {
				t.Errorf("label %d reads %q, want %q", i, got, want)
			}
		}

		// The filter's devices: the list's "print all" link.
		res, pdf = admin.get("/assets/labels.pdf?building=A")
		wantStatus(t, "the filter's sheet", res, "", http.StatusOK)
		if text := pdfText(t, []byte(pdf)); !strings.Contains(text, "Olga's laptop") || strings.Contains(text, "coffee") {
			t.Errorf("the filter's sheet:\n%s", text)
		}

		// One label on a page of its own, for a label printer.
		res, pdf = admin.get(idPath(e.pr.ID, "/label.pdf"))
		wantStatus(t, "one label", res, "", http.StatusOK)
		if text := pdfText(t, []byte(pdf)); !strings.Contains(text, "Printer <b>HP</b>") || !strings.Contains(text, e.en.T("labels.caption")) ||
			!strings.Contains(text, browserCatalog(t).For("ru").T("labels.caption")) {
			t.Errorf("the label's text (its call to action in both languages):\n%s", text)
		}
		if got := decodeQR(t, pdfPage(t, []byte(pdf), 300)); got != base+"/a/"+e.pr.Code {
			t.Errorf("the single label reads %q", got)
		}
	})
}

func manyIDs(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	return strings.Join(ids, ",")
}
