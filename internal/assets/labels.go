package assets

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// MaxLabels bounds the labels of one sheet request (24 A4 pages).
const MaxLabels = 500

// Label is what one printed label shows.
type Label struct {
	Name, Location string
	// Code is the device's code, printed in groups of four under the name.
	Code string
	// URL is what the QR code holds.
	URL string
}

// LabelFor is the label of a device whose public address starts with base.
func LabelFor(a *Asset, base *url.URL) Label {
	return Label{Name: a.Name, Location: a.Location.String(), Code: a.Code, URL: DeviceURL(base, a.Code)}
}

// ShortCode writes a code in groups of four for people to read and type:
// "abcd-efgh-ijkl-mnop".
func ShortCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LabelText is the fixed text of every label, in the office's language.
type LabelText struct {
	// Office is the office's name (the option SMARTSERVICE_OFFICE_NAME).
	Office string
	// Caption tells what to do with the code ("Scan to report a problem").
	Caption string
	// Title is the PDF document's title.
	Title string
}

// The geometry of a sheet, in millimetres: A4 cut into 3 × 7 labels of 70 × 42.3,
// the common "21 per sheet" format; it prints on plain paper too (cut along the
// light frame).
const (
	sheetW, sheetH = 210.0, 297.0
	labelW, labelH = 70.0, 42.3
	sheetCols      = 3
	sheetRows      = 7
	// The QR square (its own white quiet zone of 4 modules included) is qrSide
	// wide, qrInset from the label's left edge and centred vertically: about 0.9 mm
	// a module, read by any phone from arm's length. The text column is right of it.
	qrSide  = 34.0
	qrInset = 2.0
	textPad = 3.5
)

// LabelSheetPDF renders the labels on A4 pages, 21 a page, left to right and top
// to bottom. Names are printed as text, never interpreted: "<b>" prints as "<b>".
func LabelSheetPDF(text LabelText, labels []Label) ([]byte, error) {
	if len(labels) == 0 {
		return nil, fmt.Errorf("assets: no labels to print")
	}
	pdf := newLabelPDF(text, fpdf.SizeType{Wd: sheetW, Ht: sheetH})
	top := (sheetH - sheetRows*labelH) / 2
	left := (sheetW - sheetCols*labelW) / 2
	for i, l := range labels {
		slot := i % (sheetCols * sheetRows)
		if slot == 0 {
			pdf.AddPage()
		}
		x := left + float64(slot%sheetCols)*labelW
		y := top + float64(slot/sheetCols)*labelH
		if err := drawLabel(pdf, text, l, x, y); err != nil {
			return nil, err
		}
	}
	return outputPDF(pdf)
}

// LabelPDF renders one label on a page of the label's own size, for label printers.
func LabelPDF(text LabelText, l Label) ([]byte, error) {
	pdf := newLabelPDF(text, fpdf.SizeType{Wd: labelW, Ht: labelH})
	pdf.AddPage()
	if err := drawLabel(pdf, text, l, 0, 0); err != nil {
		return nil, err
	}
	return outputPDF(pdf)
}

func newLabelPDF(text LabelText, size fpdf.SizeType) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: size})
	pdf.SetMargins(0, 0, 0)
	pdf.SetCellMargin(0)
	pdf.SetAutoPageBreak(false, 0)
	// The Go fonts cover Latin and Cyrillic; fpdf embeds the subset that is used.
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes("gomono", "", gomono.TTF)
	pdf.SetTitle(printable(text.Title), true)
	pdf.SetCreator("Smart Service", true)
	pdf.SetProducer("Smart Service", true)
	return pdf
}

func outputPDF(pdf *fpdf.Fpdf) ([]byte, error) {
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("assets: unable to write the label PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// drawLabel draws one label with its top-left corner at (x, y).
func drawLabel(pdf *fpdf.Fpdf, text LabelText, l Label, x, y float64) error {
	// A light frame to cut along on plain paper.
	pdf.SetDrawColor(200, 200, 200)
	pdf.SetLineWidth(0.1)
	pdf.Rect(x, y, labelW, labelH, "D")

	m, err := qrBitmap(l.URL)
	if err != nil {
		return err
	}
	mod := qrSide / float64(len(m))
	qx, qy := x+qrInset, y+(labelH-qrSide)/2
	pdf.SetFillColor(0, 0, 0)
	for row, cells := range m {
		for _, r := range darkRuns(cells) {
			// A hair taller than a module, so no viewer shows seams between rows.
			pdf.Rect(qx+float64(r.x)*mod, qy+float64(row)*mod, float64(r.n)*mod, mod+0.02, "F")
		}
	}

	// The text column: the name and the location from the top; the code, what to
	// do and the office's name from the bottom.
	tx := qx + qrSide + 0.5
	tw := x + labelW - textPad - tx
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("go", "B", 9.5)
	ty := textLines(pdf, l.Name, tx, y+textPad, tw, 4.1, 3)
	pdf.SetFont("go", "", 7.5)
	pdf.SetTextColor(40, 40, 40)
	textLines(pdf, l.Location, tx, ty+0.6, tw, 3.3, 2)

	const lh = 2.9
	bottom := y + labelH - textPad
	pdf.SetFont("go", "B", 6.5)
	pdf.SetTextColor(90, 90, 90)
	bottom -= lh
	textLines(pdf, text.Office, tx, bottom, tw, lh, 1)
	pdf.SetFont("go", "", 6.5)
	pdf.SetTextColor(40, 40, 40)
	caption := pdf.SplitText(printable(text.Caption), tw)
	bottom -= lh * float64(min(len(caption), 3))
	textLines(pdf, text.Caption, tx, bottom, tw, lh, 3)
	pdf.SetFont("gomono", "", 6.5)
	pdf.SetTextColor(0, 0, 0)
	textLines(pdf, ShortCode(l.Code), tx, bottom-lh-0.3, tw, lh, 1)
	return pdf.Error()
}

// goFont is the parsed regular Go font, to ask which characters it has.
var goFont = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		panic(fmt.Sprintf("assets: the embedded Go font does not parse: %v", err))
	}
	return f
})

// printable adapts s to the label fonts, which cover Latin, Greek and Cyrillic:
// symbols they lack (emoji) and invisible marks are dropped, letters they lack
// become "?", so a label never shows blanks where letters were and fpdf never
// meets a character outside its tables. Runs of spaces become one.
func printable(s string) string {
	f := goFont()
	var buf sfnt.Buffer
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return ' '
		case r > 0xFFFF:
			if unicode.IsLetter(r) {
				return '?'
			}
			return -1
		}
		if g, err := f.GlyphIndex(&buf, r); err == nil && g != 0 {
			return r
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return '?'
		}
		return -1
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// textLines writes s wrapped to width w from (x, y), at most max lines of height
// lh (the last one ends in "…" when the text is longer), and returns the y below.
func textLines(pdf *fpdf.Fpdf, s string, x, y, w, lh float64, max int) float64 {
	s = strings.TrimSpace(printable(s))
	if s == "" {
		return y
	}
	lines := pdf.SplitText(s, w)
	if len(lines) > max {
		lines = lines[:max]
		last := []rune(strings.TrimSpace(lines[max-1]))
		for len(last) > 0 && pdf.GetStringWidth(string(last)+"…") > w {
			last = last[:len(last)-1]
		}
		lines[max-1] = strings.TrimSpace(string(last)) + "…"
	}
	_, fontH := pdf.GetFontSize()
	for _, line := range lines {
		// Text's y is the baseline: about 0.8 of the font size below the line's top.
		pdf.Text(x, y+fontH*0.8+(lh-fontH)/2, line)
		y += lh
	}
	return y
}
