package tickets

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"testing"
)

// BenchmarkPreparePhoto measures what a phone's usual upload costs the server: a
// 12-megapixel JPEG (4000×3000) checked, decoded, scaled to 1600×1200 and
// re-encoded. Run with -benchmem: the allocations are the memory one upload takes.
func BenchmarkPreparePhoto(b *testing.B) {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	raw := buf.Bytes()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		u, err := inspectPhoto(raw)
		if err != nil {
			b.Fatal(err)
		}
		p, err := u.prepare(context.Background())
		if err != nil || p.Width != 1600 || p.Height != 1200 {
			b.Fatalf("%v %+v", err, p)
		}
	}
}
