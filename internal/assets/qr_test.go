package assets

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"regexp"
	"smartservice/internal/testkit/qrread"
	"strconv"
	"strings"
	"testing"
)

// qrText reads the QR code in img with a decoder independent of the encoder.
func qrText(t *testing.T, img image.Image) string {
	t.Helper()
	got, err := qrread.Text(img)
	if err != nil {
		t.Fatalf("no QR code could be read: %v", err)
	}
	return got
}

func TestDeviceURL(t *testing.T) {
	for base, want := range map[string]string{
		"https://desk.office.example":        "https://desk.office.example/a/abcdefghijklmnop",
		"https://desk.office.example/":       "https://desk.office.example/a/abcdefghijklmnop",
		"http://127.0.0.1:8080/service-desk": "http://127.0.0.1:8080/service-desk/a/abcdefghijklmnop",
	} {
		u, _ := url.Parse(base)
		if got := DeviceURL(u, "abcdefghijklmnop"); got != want {
			t.Errorf("DeviceURL(%s) = %s", base, got)
		}
	}
	if got := DeviceURL(nil, "abc"); got != "/a/abc" {
		t.Errorf("without a base: %s", got)
	}
	if got := ShortCode("abcdefghijklmnop"); got != "abcd-efgh-ijkl-mnop" {
		t.Errorf("ShortCode: %s", got)
	}
}

func TestQRPNGReadsBack(t *testing.T) {
	const want = "https://desk.office.example/a/k7q2m4x9p3r5t6vw"
	for _, size := range []int{0, 64, 300, 512, 5000} {
		b, err := QRPNG(want, size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		wantSize := min(max(size, QRMinSize), QRMaxSize)
		if got := img.Bounds().Dx(); got != wantSize {
			t.Errorf("size %d: %d px, want %d", size, got, wantSize)
		}
		if size >= 300 { // smaller ones are for screens, where the decoder needs more pixels
			if got := qrText(t, img); got != want {
				t.Errorf("size %d reads %q", size, got)
			}
		}
	}
	if _, err := QRPNG(strings.Repeat("x", 4000), 256); err == nil {
		t.Error("content beyond a QR code's capacity should fail")
	}
}

// svgRun is one dark run the SVG draws: "M{x} {y}h{n}v1h-{n}z".
var svgRun = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

func TestQRSVGReadsBack(t *testing.T) {
	const want = "https://desk.office.example/a/k7q2m4x9p3r5t6vw"
	b, err := QRSVG(want)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not well-formed SVG: %v", err)
	}
	f := strings.Fields(doc.ViewBox)
	if len(f) != 4 || f[0] != "0" || f[1] != "0" || f[2] != f[3] {
		t.Fatalf("viewBox %q", doc.ViewBox)
	}
	n, _ := strconv.Atoi(f[2])
	// Paint the path's runs, 8 px a module, and read the code back.
	const scale = 8
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	runs := svgRun.FindAllStringSubmatch(doc.Path.D, -1)
	if len(runs) == 0 || svgRun.ReplaceAllString(doc.Path.D, "") != "" {
		t.Fatalf("unexpected path data: %.80s", doc.Path.D)
	}
	for _, m := range runs {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for py := y * scale; py < (y+1)*scale; py++ {
			for px := x * scale; px < (x+w)*scale; px++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	if got := qrText(t, img); got != want {
		t.Fatalf("the SVG reads %q", got)
	}
	// The same input gives the same bytes (no map order in the output).
	again, _ := QRSVG(want)
	if !bytes.Equal(b, again) {
		t.Error("QRSVG is not deterministic")
	}
}
