package tickets

// A ticket's photo. Whatever a phone (or an attacker) uploads is never stored or
// served as sent: the format is sniffed from the bytes (the file name and the
// declared type are not trusted), only JPEG, PNG and WebP are read, the header's
// dimensions are checked before any pixel is decoded (a 20000×20000 PNG of zeros is
// a few hundred kilobytes and gigabytes once decoded), and the picture is decoded,
// turned upright, downscaled and re-encoded as a fresh JPEG. The result carries no
// EXIF (so no GPS position), no comments and no trailing payload.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// MaxPhotoBytes is the largest photo accepted, as uploaded.
const MaxPhotoBytes = 10 << 20

// Limits on what a photo's header may announce, checked before decoding.
const (
	// maxPhotoPixels is about 40 megapixels: more than any phone's normal mode.
	maxPhotoPixels = 40_000_000
	// maxPhotoSide refuses absurd strips (1×39,000,000) that pass the pixel count.
	maxPhotoSide = 12000
	// maxPhotoDecodedBytes bounds the memory one decode may take: 40 MP at 4 bytes
	// per pixel. A 16-bit PNG needs 8 bytes per pixel, so it gets half the pixels.
	maxPhotoDecodedBytes = maxPhotoPixels * 4
)

// What is stored: the long side at most photoLongSide pixels, JPEG at photoQuality.
const (
	photoLongSide = 1600
	photoQuality  = 82
)

// photoDecodes bounds the pixels decoded at once in this process. Counting
// decodes is not enough (six 40 MP PNGs at once took the process to 740 MB, while
// a dozen phone photos are harmless): each decode takes its header's width ×
// height from a budget of one and a half of the largest photo the header check
// lets through, so one largest photo always fits, two never run together, and
// small ones run side by side.
var photoDecodes = newPixelLimiter(maxPhotoPixels * 3 / 2)

// pixelLimiter is a weighted semaphore counted in pixels.
type pixelLimiter struct {
	sem    *semaphore.Weighted
	budget int64
}

func newPixelLimiter(budget int64) *pixelLimiter {
	return &pixelLimiter{sem: semaphore.NewWeighted(budget), budget: budget}
}

// acquire waits until pixels fit in the budget (first come, first served, so a
// large photo is not starved by small ones) or ctx ends, and returns the release.
// More than the budget takes the whole budget rather than waiting forever.
func (l *pixelLimiter) acquire(ctx context.Context, pixels int64) (release func(), err error) {
	n := min(max(pixels, 1), l.budget)
	if err := l.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	return func() { l.sem.Release(n) }, nil
}

// Photo is a ticket's picture as stored: always a JPEG made by the server.
type Photo struct {
	ContentType   string
	Width, Height int
	Data          []byte
}

// Field error keys of a refused photo.
const (
	keyPhotoFormat   = "ticket.photo_format"
	keyPhotoDamaged  = "ticket.photo_damaged"
	keyPhotoTooLarge = "ticket.photo_too_large"
	keyPhotoPixels   = "ticket.photo_too_many_pixels"
)

func photoInvalid(key string, args ...any) error {
	var f apperr.Fields
	f.Add("photo", key, args...)
	return f.Err()
}

// photoFormat names the format the bytes are in, by their signature: "jpeg",
// "png", "webp", or "" for anything else (SVG, HTML, ZIP, GIF, HEIC…).
func photoFormat(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// bytesPerPixel is what a decoded pixel of the model costs in memory (8 when unknown).
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}

// photoUpload is an upload that passed the cheap checks (size, signature, the
// header's dimensions) and may be decoded.
type photoUpload struct {
	raw    []byte
	format string
	cfg    image.Config
}

// inspectPhoto runs the cheap checks on an upload, without decoding a pixel.
// Refusals are field errors on "photo"; the size refusal has the TooLarge code.
func inspectPhoto(raw []byte) (*photoUpload, error) {
	if len(raw) > MaxPhotoBytes {
		args := []any{"MaxMB", MaxPhotoBytes >> 20}
		return nil, &apperr.Error{Code: apperr.TooLarge, Key: "error.invalid_input",
			Fields: []apperr.FieldError{{Field: "photo", Key: keyPhotoTooLarge, Args: args}}}
	}
	u := &photoUpload{raw: raw, format: photoFormat(raw)}
	var err error
	switch u.format {
	case "jpeg":
		u.cfg, err = safely(func() (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(raw)) })
	case "png":
		u.cfg, err = safely(func() (image.Config, error) { return png.DecodeConfig(bytes.NewReader(raw)) })
	case "webp":
		u.cfg, err = safely(func() (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(raw)) })
	default:
		return nil, photoInvalid(keyPhotoFormat)
	}
	if err != nil || u.cfg.Width <= 0 || u.cfg.Height <= 0 {
		return nil, photoInvalid(keyPhotoDamaged)
	}
	w, h := int64(u.cfg.Width), int64(u.cfg.Height)
	if w > maxPhotoSide || h > maxPhotoSide || w*h > maxPhotoPixels || w*h*int64(bytesPerPixel(u.cfg.ColorModel)) > maxPhotoDecodedBytes {
		return nil, photoInvalid(keyPhotoPixels, "MaxMP", maxPhotoPixels/1_000_000, "MaxSide", maxPhotoSide)
	}
	return u, nil
}

// prepare decodes the upload and returns it as it will be stored.
func (u *photoUpload) prepare(ctx context.Context) (*Photo, error) {
	release, err := photoDecodes.acquire(ctx, int64(u.cfg.Width)*int64(u.cfg.Height))
	if err != nil {
		return nil, err
	}
	defer release()
	img, err := safely(func() (image.Image, error) {
		switch u.format {
		case "jpeg":
			return jpeg.Decode(bytes.NewReader(u.raw))
		case "png":
			return png.Decode(bytes.NewReader(u.raw))
		default:
			return webp.Decode(bytes.NewReader(u.raw))
		}
	})
	if err != nil {
		return nil, photoInvalid(keyPhotoDamaged)
	}
	if b := img.Bounds(); b.Dx() != u.cfg.Width || b.Dy() != u.cfg.Height {
		return nil, photoInvalid(keyPhotoDamaged) // the header lied about the size
	}
	out := downscale(img, photoLongSide)
	if u.format == "jpeg" {
		out = orient(out, jpegOrientation(u.raw))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, fmt.Errorf("tickets: unable to encode a photo: %w", err)
	}
	b := out.Bounds()
	return &Photo{ContentType: "image/jpeg", Width: b.Dx(), Height: b.Dy(), Data: buf.Bytes()}, nil
}

// safely runs a decoder, turning a panic on hostile input into an error: a
// decoder bug must refuse one photo, not take the process down.
func safely[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("tickets: image decoder panicked: %v", p)
		}
	}()
	return fn()
}

// downscale draws img onto white (JPEG has no transparency) at most long pixels on
// its long side. A large picture is first shrunk by a whole factor k, each pixel the
// average of a k×k block (exact and cheap), to less than twice the target; the
// Catmull-Rom kernel does the rest, sharp without much ringing. Catmull-Rom alone
// on a 12-megapixel photo costs seconds and a 150 MB scratch buffer; after the box
// step it is a fraction of both.
func downscale(img image.Image, long int) *image.RGBA {
	sb := img.Bounds()
	w, h := sb.Dx(), sb.Dy()
	if w > long || h > long {
		if w >= h {
			w, h = long, max(1, (h*long+sb.Dx()/2)/sb.Dx())
		} else {
			w, h = max(1, (w*long+sb.Dy()/2)/sb.Dy()), long
		}
	}
	mid := flatShrink(img, max(1, min(sb.Dx()/w, sb.Dy()/h)))
	if mid.Rect.Dx() == w && mid.Rect.Dy() == h {
		return mid
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), mid, mid.Bounds(), draw.Src, nil)
	return dst
}

// flatShrink draws img onto white and shrinks it k times on each side, each pixel
// the average of a k×k block (a partial block at the right or bottom edge is
// dropped). It converts k rows at a time, so the full-size picture is never held as
// RGBA.
func flatShrink(img image.Image, k int) *image.RGBA {
	sb := img.Bounds()
	w, h := sb.Dx()/k, sb.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	band := image.NewRGBA(image.Rect(0, 0, sb.Dx(), k))
	sum := make([]uint32, 4*w)
	n := uint32(k * k)
	for y := 0; y < h; y++ {
		draw.Draw(band, band.Rect, image.White, image.Point{}, draw.Src)
		draw.Draw(band, band.Rect, img, image.Pt(sb.Min.X, sb.Min.Y+y*k), draw.Over)
		if k == 1 {
			copy(dst.Pix[y*dst.Stride:][:4*w], band.Pix)
			continue
		}
		clear(sum)
		for dy := 0; dy < k; dy++ {
			row := band.Pix[dy*band.Stride:]
			for x := 0; x < w; x++ {
				p := row[4*x*k:]
				for dx := 0; dx < k; dx++ {
					q := p[4*dx : 4*dx+4]
					sum[4*x] += uint32(q[0])
					sum[4*x+1] += uint32(q[1])
					sum[4*x+2] += uint32(q[2])
					sum[4*x+3] += uint32(q[3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride:]
		for i, v := range sum {
			out[i] = uint8((v + n/2) / n)
		}
	}
	return dst
}

// jpegOrientation reads the EXIF orientation (1 to 8) of a JPEG, 1 when absent or
// unreadable. It walks the markers before the image data only and checks every
// offset against the segment, so a hostile EXIF block cannot make it read out of
// bounds: the worst it can do is leave the picture as the camera stored it.
func jpegOrientation(b []byte) int {
	i := 2 // after SOI
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		if marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 || marker == 0xFF {
			i += 2 // no length
			if marker == 0xFF {
				i-- // fill byte
			}
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image: no EXIF before
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return exifOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// exifOrientation finds tag 0x0112 in IFD0 of a TIFF block.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[ifd:]))
	for k := int64(0); k < count; k++ {
		e := ifd + 2 + 12*k
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if typ := bo.Uint16(t[e+2:]); typ != 3 { // SHORT
			return 1
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}

// orient turns img as EXIF orientation o asks, so the stored picture is upright
// without any metadata.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	// src maps a pixel of the result to the pixel of img it shows.
	src := map[int]func(x, y int) (int, int){
		2: func(x, y int) (int, int) { return w - 1 - x, y },
		3: func(x, y int) (int, int) { return w - 1 - x, h - 1 - y },
		4: func(x, y int) (int, int) { return x, h - 1 - y },
		5: func(x, y int) (int, int) { return y, x },
		6: func(x, y int) (int, int) { return y, h - 1 - x },
		7: func(x, y int) (int, int) { return w - 1 - y, h - 1 - x },
		8: func(x, y int) (int, int) { return w - 1 - y, x },
	}[o]
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			sx, sy := src(x, y)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], img.Pix[img.PixOffset(sx, sy):][:4])
		}
	}
	return dst
}

// insertPhoto stores the photo of a ticket being filed, in the filing's transaction.
func insertPhoto(ctx context.Context, tx *sql.Tx, ticketID int64, p *Photo, now time.Time) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO ticket_photos (ticket_id, content_type, width, height, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
		ticketID, p.ContentType, p.Width, p.Height, p.Data, now)
	if err != nil {
		return fmt.Errorf("tickets: unable to store the photo: %w", err)
	}
	return nil
}

// Photo returns ticket id's photo to actor, scoped exactly like Get: NotFound when
// the ticket is absent, invisible to actor, has no photo, or actor only follows
// it (Get withholds the photo from such a follower too: Row.HasPhoto is false).
func (s *Service) Photo(ctx context.Context, actor *users.User, id int64) (*Photo, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !seesFully(actor, t) {
		// The photo is the reporter's: a follower with no other right to the
		// ticket gets the answer for a ticket without one.
		return nil, notFound
	}
	var p Photo
	err = s.db.R.QueryRowContext(ctx, "SELECT content_type, width, height, data FROM ticket_photos WHERE ticket_id = $1", id).
		Scan(&p.ContentType, &p.Width, &p.Height, &p.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to read the photo of ticket %d: %w", id, err)
	}
	return &p, nil
}
