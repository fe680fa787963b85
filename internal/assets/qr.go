package assets

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// DeviceURL is the address inside a device's QR code: the public base URL (the
// option SMARTSERVICE_BASE_URL) plus /a/{code}.
func DeviceURL(base *url.URL, code string) string {
	b := ""
	if base != nil {
		b = strings.TrimSuffix(base.String(), "/")
	}
	return b + "/a/" + url.PathEscape(code)
}

// QR sizes a PNG may be asked for, in pixels.
const (
	QRMinSize     = 64
	QRMaxSize     = 2048
	QRDefaultSize = 512
)

// qrLevel is the error correction of every code: M (15 %) survives a scratched or
// slightly dirty label and keeps a short URL at version 3–4 (29–33 modules), so the
// modules stay large on a small label.
const qrLevel = qrcode.Medium

// qrBitmap returns the modules of the QR code of s, quiet zone (4 modules) included;
// m[y][x] is true for a dark module.
func qrBitmap(s string) ([][]bool, error) {
	q, err := qrcode.New(s, qrLevel)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to encode a QR code: %w", err)
	}
	return q.Bitmap(), nil
}

// QRPNG returns the QR code of s as a black-on-white PNG of size×size pixels
// (clamped to QRMinSize..QRMaxSize), quiet zone included.
func QRPNG(s string, size int) ([]byte, error) {
	size = min(max(size, QRMinSize), QRMaxSize)
	q, err := qrcode.New(s, qrLevel)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to encode a QR code: %w", err)
	}
	png, err := q.PNG(size)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to draw a QR code: %w", err)
	}
	return png, nil
}

// QRSVG returns the QR code of s as a scalable SVG image: one path of dark
// modules on a white square, one user unit per module, quiet zone included.
func QRSVG(s string) ([]byte, error) {
	m, err := qrBitmap(s)
	if err != nil {
		return nil, err
	}
	n := len(m)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, n, n, n*8, n*8)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range m {
		for _, r := range darkRuns(row) {
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", r.x, y, r.n, r.n)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}

// run is n dark modules in a row from column x.
type run struct{ x, n int }

// darkRuns lists the runs of dark modules of a row, left to right, so a code is
// drawn with one rectangle per run rather than one per module.
func darkRuns(row []bool) []run {
	var runs []run
	for x := 0; x < len(row); {
		if !row[x] {
			x++
			continue
		}
		start := x
		for x < len(row) && row[x] {
			x++
		}
		runs = append(runs, run{start, x - start})
	}
	return runs
}
