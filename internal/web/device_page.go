package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sync"

	"smartservice/internal/cache"
	"smartservice/internal/i18n"
	"smartservice/internal/users"
)

// After the device's parts were kept (device_parts.go), executing the rest of the
// layout and the page was still a fifth of a view's CPU, reflection over a handful
// of actions whose output depends on the language alone. So the page is kept as a
// skeleton per language: the layout executed once with markers in place of
// everything that depends on the device, the viewer or the minute (the device's
// parts, the layout's frame, the open tickets, staff's boxes), cut at the markers.
// A view with a kept frame writes the skeleton's pieces with its own parts between
// them; the bytes are those html/template would write (TestKeptDevicePageIsThePage
// compares them for every role, both languages, and every section shown or not).
// What depends on the viewer is executed per request through html/template as
// before, and only when the page shows it.

// deviceLive is what the device page shows per viewer, executed: the open tickets
// ("device_reported") and staff's boxes ("device_staff"), empty when not shown.
type deviceLive struct {
	Reported, Staff template.HTML
}

// deviceLive executes the viewer's parts of d's page.
func (s *Server) deviceLive(r *http.Request, loc *i18n.Localizer, u *users.User, d *devicePageData) error {
	t := s.views.pages["device"]
	p := Page{Localizer: loc, User: u, Office: s.Config.OfficeName, Data: d, urlPath: r.URL.Path}
	// The same conditions as the templates' own: what they would not show is not
	// executed at all.
	if len(d.Reported) > 0 {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "device_reported", p); err != nil {
			return fmt.Errorf("web: the device page's open tickets: %w", err)
		}
		d.Live.Reported = template.HTML(b.String())
	}
	if d.Upkeep != nil || len(d.History) > 0 || d.Admin != nil {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "device_staff", p); err != nil {
			return fmt.Errorf("web: the device page's staff boxes: %w", err)
		}
		d.Live.Staff = template.HTML(b.String())
	}
	return nil
}

// The skeleton's markers, one per part. html/template writes a NUL of an escaped
// value as U+FFFD and our templates hold none, so only a marker can be one.
const (
	partHead = iota
	partBody
	partReported
	partStaff
	partTop
	partNav
	partLangs
	partCount
)

func partMarker(i int) string { return fmt.Sprintf("\x00device-part-%d\x00", i) }

// pageSkeleton is the device page of one language cut at the markers: pieces[0],
// then the part order[0], pieces[1], … and the last piece. ok false: the layout did
// not yield every marker once, and the page is executed in full.
type pageSkeleton struct {
	pieces [][]byte
	order  []int
	ok     bool
}

// skeleton returns the device page's skeleton in loc's language, made on first use.
func (s *Server) skeleton(loc *i18n.Localizer) *pageSkeleton {
	if k, ok := s.skeletons.Get(loc.Lang(), 0); ok {
		return k
	}
	k := s.makeSkeleton(loc)
	s.skeletons.Put(loc.Lang(), 0, k)
	return k
}

// makeSkeleton executes the layout with every part a marker and cuts it.
func (s *Server) makeSkeleton(loc *i18n.Localizer) *pageSkeleton {
	m := func(i int) template.HTML { return template.HTML(partMarker(i)) }
	d := &devicePageData{Parts: deviceParts{Head: m(partHead), Body: m(partBody)},
		Live: deviceLive{Reported: m(partReported), Staff: m(partStaff)}}
	frame := &pageFrame{Top: m(partTop), Nav: m(partNav), Langs: m(partLangs)}
	var b bytes.Buffer
	k := &pageSkeleton{}
	if err := s.views.pages["device"].ExecuteTemplate(&b, "layout.html", Page{Localizer: loc, Office: s.Config.OfficeName, Data: d, Frame: frame}); err != nil {
		s.Logger.Error("the device page's skeleton failed: the page is executed in full", "err", err)
		return k
	}
	rest := b.Bytes()
	seen := make([]bool, partCount)
	for {
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			break
		}
		part := -1
		for j := range partCount {
			if bytes.HasPrefix(rest[i:], []byte(partMarker(j))) {
				part = j
			}
		}
		if part < 0 || seen[part] {
			s.Logger.Error("the device page's skeleton has a stray or repeated marker: the page is executed in full", "part", part)
			return k
		}
		seen[part] = true
		k.pieces = append(k.pieces, bytes.Clone(rest[:i]))
		k.order = append(k.order, part)
		rest = rest[i+len(partMarker(part)):]
	}
	k.pieces = append(k.pieces, bytes.Clone(rest))
	for j, ok := range seen {
		if !ok {
			s.Logger.Error("the device page's skeleton lacks a part: the page is executed in full", "part", j)
			return k
		}
	}
	k.ok = true
	return k
}

// writeKeptDevicePage answers d's page from the skeleton and d's parts (a frame
// kept: deviceFrame) and reports whether it did.
func (s *Server) writeKeptDevicePage(w http.ResponseWriter, loc *i18n.Localizer, d *devicePageData) bool {
	k := s.skeleton(loc)
	if !k.ok {
		return false
	}
	var parts [partCount]template.HTML
	parts[partHead], parts[partBody] = d.Parts.Head, d.Parts.Body
	parts[partReported], parts[partStaff] = d.Live.Reported, d.Live.Staff
	parts[partTop], parts[partNav], parts[partLangs] = d.frame.Top, d.frame.Nav, d.frame.Langs
	n := 0
	for _, p := range k.pieces {
		n += len(p)
	}
	for _, p := range parts {
		n += len(p)
	}
	// The page's buffer is reused: a fresh 4 KB per view was a quarter of the
	// bytes a view allocated, and so of the collector's work. Write keeps none of
	// it (io.Writer), so it goes back to the pool once written.
	bp := pageBuffers.Get().(*[]byte)
	page := slices.Grow((*bp)[:0], n)
	for i, p := range k.pieces {
		page = append(page, p...)
		if i < len(k.order) {
			page = append(page, parts[k.order[i]]...)
		}
	}
	writeHTML(w, loc, http.StatusOK, page)
	if cap(page) <= maxPooledPage {
		*bp = page
		pageBuffers.Put(bp)
	}
	return true
}

// pageBuffers are the device pages' buffers (writeKeptDevicePage); one larger
// than maxPooledPage (a device with long instructions and many open tickets) is
// left to the collector rather than kept.
var pageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const maxPooledPage = 64 << 10

// skeletons are the device page's skeletons by language (pageSkeleton): they
// depend on the templates, the translations and the office's name alone, so
// they are made once (version 0).
type skeletons = cache.Map[string, *pageSkeleton]
