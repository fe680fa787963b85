package assets

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/i18n"
)

// render draws page 1 of a PDF at dpi with Debian's pdftoppm, or skips the test.
func render(t *testing.T, pdf []byte, dpi int) image.Image {
	t.Helper()
	exe, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm is not installed (apt-get install poppler-utils): skipping the read-back of the labels")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(exe, "-r", fmt.Sprint(dpi), "-png", "-gray", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "p.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// text extracts a PDF's words with pdftotext, or skips the test.
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	exe, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils): skipping the text of the labels")
	}
	cmd := exec.Command(exe, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

var testText = LabelText{Office: "Офис «Ромашка»", Caption: "Сломалось? Сканируйте", Title: "QR-этикетки"}

func sheetLabels(n int) []Label {
	base, _ := url.Parse("https://desk.office.example")
	names := []string{"Кофемашина Jura E8", "<b>Чайник</b> &amp;", "Холодильник 🍕 на кухне", "МФУ"}
	var out []Label
	for i := range n {
		code := fmt.Sprintf("k7q2m4x9p3r5%04d", i)
		code = strings.NewReplacer("0", "a", "1", "b", "8", "c", "9", "d").Replace(code)
		a := &Asset{Name: names[i%len(names)], Code: code, Location: Location{Building: "Корпус А", Floor: fmt.Sprint(i%3 + 1), Room: "30" + fmt.Sprint(i%10)}}
		out = append(out, LabelFor(a, base))
	}
	return out
}

func TestLabelSheetPDF(t *testing.T) {
	labels := sheetLabels(23)
	pdf, err := LabelSheetPDF(testText, labels)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	// 21 labels a page: 23 take two A4 pages (595.28 × 841.89 pt).
	if got := len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf, -1)); got != 2 {
		t.Errorf("%d pages, want 2", got)
	}
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 595.28 841.89]")) {
		t.Error("the pages are not A4")
	}
	words := text(t, pdf)
	for _, want := range []string{"Кофемашина Jura E8", "<b>Чайник</b> &amp;", "Холодильник на кухне", "Корпус А, 1, 300",
		"Офис «Ромашка»", "Сломалось? Сканируйте", ShortCode(labels[0].Code)} {
		if !strings.Contains(words, want) {
			t.Errorf("the sheet's text lacks %q", want)
		}
	}
	// Every label of the first page reads back as its device's address.
	const dpi = 200
	page := render(t, pdf, dpi)
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	for i := range 21 {
		col, row := i%3, i/3
		cell := image.Rect(px(float64(col)*labelW), px(0.45+float64(row)*labelH), px(float64(col+1)*labelW), px(0.45+float64(row+1)*labelH))
		sub := page.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(cell)
		if got := qrText(t, sub); got != labels[i].URL {
			t.Errorf("label %d reads %q, want %q", i, got, labels[i].URL)
		}
	}
	if _, err := LabelSheetPDF(testText, nil); err == nil {
		t.Error("an empty sheet should fail")
	}
}

func TestLabelPDF(t *testing.T) {
	l := sheetLabels(1)[0]
	l.Name = strings.Repeat("Очень длинное название устройства ", 10)
	pdf, err := LabelPDF(testText, l)
	if err != nil {
		t.Fatal(err)
	}
	// One page the size of the label: 70 × 42.3 mm.
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 198.43 119.91]")) {
		t.Errorf("the page is not label-sized")
	}
	if words := text(t, pdf); !strings.Contains(words, "…") || strings.Count(words, "Очень") > 3 {
		t.Errorf("a long name should be cut to three lines with an ellipsis: %s", words)
	}
	if got := qrText(t, render(t, pdf, 300)); got != l.URL {
		t.Errorf("the label reads %q", got)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"Кофе ☕ machine":   "Кофе machine",
		"a\tb\nc\x00d":     "a b c d",
		"Ελληνικά Русский": "Ελληνικά Русский",
		"会议室 3":            "??? 3",
		"<b>&amp;</b>":     "<b>&amp;</b>",
		"😀😀":               "",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLabelKeysTranslated(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"labels.none_chosen", "labels.too_many", "labels.caption", "labels.title"} {
		if !cat.Has(k) {
			t.Errorf("missing key %s", k)
		}
	}
}
