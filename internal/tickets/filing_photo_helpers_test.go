package tickets_test

// Pictures made by the tests themselves: real JPEG and PNG files from the standard
// encoders, a lossless WebP written bit by bit (Go has no WebP encoder), a JPEG
// with an EXIF orientation, and hostile files that only pretend to be pictures.

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

var (
	red  = color.NRGBA{R: 255, A: 255}
	blue = color.NRGBA{B: 255, A: 255}
)

// halves is a w×h picture, red on the left half and blue on the right.
func halves(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				img.SetNRGBA(x, y, red)
			} else {
				img.SetNRGBA(x, y, blue)
			}
		}
	}
	return img
}

func jpegOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOrientation puts an EXIF block (APP1) with orientation o, and a GPS-looking
// comment, right after the JPEG's start-of-image marker.
func withOrientation(j []byte, o uint16) []byte {
	// TIFF, big-endian ("MM"): header, IFD0 at 8 with one entry, next IFD 0.
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1}
	entry := make([]byte, 12)
	binary.BigEndian.PutUint16(entry[0:], 0x0112) // Orientation
	binary.BigEndian.PutUint16(entry[2:], 3)      // SHORT
	binary.BigEndian.PutUint32(entry[4:], 1)      // count
	binary.BigEndian.PutUint16(entry[8:], o)
	tiff = append(tiff, entry...)
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, []byte("GPS 55.7558N 37.6173E")...)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// bitWriter writes the least significant bit first, as VP8L reads.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) put(v uint64, bits uint) {
	w.acc |= v << w.n
	w.n += bits
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.n > 0 {
		w.buf = append(w.buf, byte(w.acc))
	}
	return w.buf
}

// losslessWebP encodes img as a lossless WebP (VP8L) without transforms, colour
// cache or meta codes: each channel's prefix code is a "simple" code of one or two
// symbols, so img may have at most two values per channel.
func losslessWebP(t *testing.T, img *image.NRGBA) []byte {
	t.Helper()
	b := img.Bounds()
	// Channel order in the bit stream: green, red, blue, alpha.
	ch := func(c color.NRGBA) [4]uint8 { return [4]uint8{c.G, c.R, c.B, c.A} }
	var syms [4][]uint8
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := ch(img.NRGBAAt(x, y))
			for i := range 4 {
				found := false
				for _, s := range syms[i] {
					found = found || s == v[i]
				}
				if !found {
					syms[i] = append(syms[i], v[i])
				}
			}
		}
	}
	w := &bitWriter{}
	w.put(0x2f, 8)
	w.put(uint64(b.Dx()-1), 14)
	w.put(uint64(b.Dy()-1), 14)
	w.put(0, 1) // alpha hint
	w.put(0, 3) // version
	w.put(0, 1) // no transform
	w.put(0, 1) // no colour cache
	w.put(0, 1) // no meta prefix codes
	simple := func(s []uint8) {
		if len(s) > 2 {
			t.Fatalf("losslessWebP: %d values in a channel, at most 2", len(s))
		}
		w.put(1, 1)
		w.put(uint64(len(s)-1), 1)
		w.put(1, 1) // first symbol in 8 bits
		w.put(uint64(s[0]), 8)
		if len(s) == 2 {
			w.put(uint64(s[1]), 8)
		}
	}
	for i := range 4 {
		simple(syms[i])
	}
	simple([]uint8{0}) // distance codes: unused
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := ch(img.NRGBAAt(x, y))
			for i := range 4 {
				if len(syms[i]) == 2 {
					if v[i] == syms[i][0] {
						w.put(0, 1)
					} else {
						w.put(1, 1)
					}
				}
			}
		}
	}
	data := w.bytes()
	chunk := append([]byte("VP8L"), le32(len(data))...)
	chunk = append(chunk, data...)
	if len(data)%2 == 1 {
		chunk = append(chunk, 0)
	}
	out := append([]byte("RIFF"), le32(4+len(chunk))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

func le32(n int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(n)) }

// pngHeader is a PNG whose header announces w×h pixels, with one tiny (bogus) data
// chunk: the shape of a decompression bomb, refused before any decoding.
func pngHeader(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit greyscale
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// zipOf is a real ZIP archive holding a picture, as someone might attach one.
func zipOf(t *testing.T, name string, content []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// colourAt reports whether the pixel is near c (JPEG is lossy).
func colourAt(img image.Image, x, y int, c color.NRGBA) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	near := func(a uint32, want uint8) bool { d := int(a>>8) - int(want); return d > -40 && d < 40 }
	return near(r, c.R) && near(g, c.G) && near(b, c.B)
}
