package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/i18n"
	"smartservice/internal/users"
)

// The device page is the front door (every QR code leads there), and executing its
// template was the largest cost of a view: html/template walks every action by
// reflection and escapes every value. Most of the page (the device's head, its
// problem buttons, its instructions) depends on the device and the language alone,
// so those parts are executed once, through html/template as always, and their
// escaped output is kept per device and language under the catalogue version the
// request read (internal/cache): an edit of the device, its type, class or offers
// moves that version in the same transaction, on every instance, so the next view
// executes them again. What depends on the viewer or the minute (the header, the
// open tickets, staff's boxes, the admin's facts) is executed on every request.

// deviceStatic is the data of those parts.
type deviceStatic struct {
	*i18n.Localizer
	Name, Location      string
	TypeName, ClassName string
	// Instructions are the device's plain text, escaped, with http(s) links made clickable.
	Instructions template.HTML
	Problems     []deviceProblem
	Archived     bool
	Personal     bool
}

// deviceParts are the executed parts, inserted as they are into the page. Top is
// the layout's beginning (the language and the tab's title, the device's name).
type deviceParts struct {
	Head, Body template.HTML
	Top        template.HTML
}

// devicePartsKey names a device's parts in one language.
type devicePartsKey struct {
	asset int64
	lang  string
}

// maxCachedDeviceParts bounds the parts kept (about 2–4 KB per device and language).
const maxCachedDeviceParts = 4096

// devicePartsFor returns the parts of v's page in loc's language: kept ones when
// the request read the catalogue version they were made under, else executed now
// (and kept, when the request read a version at all).
func (s *Server) devicePartsFor(ctx context.Context, loc *i18n.Localizer, v *assets.View) (deviceParts, error) {
	key := devicePartsKey{asset: v.Asset.ID, lang: loc.Lang()}
	version, versioned := cache.CatalogueVersion(ctx)
	if versioned {
		if p, ok := s.deviceParts.Get(key, version); ok {
			return p, nil
		}
	}
	a := v.Asset
	st := deviceStatic{Localizer: loc, Name: a.Name, Location: a.Location.String(),
		TypeName: loc.Name(v.Type.EN, v.Type.RU), ClassName: loc.Name(v.Class.EN, v.Class.RU),
		Instructions: linkify(a.Instructions), Archived: a.Archived, Personal: a.OwnerID != 0}
	if !a.Archived {
		for _, o := range v.Type.Problems {
			st.Problems = append(st.Problems, deviceProblem{Name: loc.Name(o.EN, o.RU),
				Href: "/a/" + a.Code + "/report?problem=" + strconv.FormatInt(o.ID, 10)})
		}
	}
	title := a.Name
	if title == "" { // as render: a page without its own title has the generic one
		title = loc.T("device.page_title")
	}
	t := s.views.pages["device"]
	var head, body, top bytes.Buffer
	if err := t.ExecuteTemplate(&head, "device_head", st); err != nil {
		return deviceParts{}, fmt.Errorf("web: the device page's head: %w", err)
	}
	if err := t.ExecuteTemplate(&body, "device_body", st); err != nil {
		return deviceParts{}, fmt.Errorf("web: the device page's body: %w", err)
	}
	if err := t.ExecuteTemplate(&top, "layout_top", Page{Localizer: loc, Title: title}); err != nil {
		return deviceParts{}, fmt.Errorf("web: the device page's top: %w", err)
	}
	// The output of html/template, escaped by it: safe to insert as it is.
	p := deviceParts{Head: template.HTML(head.String()), Body: template.HTML(body.String()), Top: template.HTML(top.String())}
	if versioned {
		s.deviceParts.Put(key, version, p)
	}
	return p, nil
}

// pageFrame is the layout's frame executed (templates/partials/layout_frame.html):
// its top, the viewer's links and the language switch.
type pageFrame struct {
	Top, Nav, Langs template.HTML
}

// navKey names a viewer's links in one language; they depend on the account
// alone (its name, its roles) on every device page, where no section of the
// header is the current one.
type navKey struct {
	user int64
	lang string
}

// langsKey names the language switch of one address in one language.
type langsKey struct {
	uri, lang string
}

// maxCachedFrames bounds each of the frame's caches (1–2 KB per entry).
const maxCachedFrames = 4096

// deviceFrame returns the layout's frame of a device page: the links under the
// auth version the request read (a renamed account or a changed role moves it),
// the language switch per address. A HEAD, a request that read no versions, a
// refused form carried over (Redo) or an address with another query gets nil, and
// the layout executes its frame as on any page.
func (s *Server) deviceFrame(r *http.Request, loc *i18n.Localizer, u *users.User, a *assets.Asset, top template.HTML) (*pageFrame, error) {
	v, versioned := cache.From(r.Context())
	uri := r.URL.RequestURI()
	if r.Method != http.MethodGet || !versioned || v.Catalogue == 0 || redoOf(r) != nil || s.fullDevicePages.Load() ||
		(uri != "/a/"+a.Code && uri != "/a/"+a.Code+"?from=list") {
		return nil, nil
	}
	t := s.views.pages["device"]
	f := &pageFrame{Top: top}
	nk := navKey{user: u.ID, lang: loc.Lang()}
	nav, ok := s.navs.Get(nk, v.Auth)
	if !ok {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "layout_nav", Page{Localizer: loc, User: u, urlPath: r.URL.Path}); err != nil {
			return nil, fmt.Errorf("web: the device page's links: %w", err)
		}
		nav = template.HTML(b.String())
		s.navs.Put(nk, v.Auth, nav)
	}
	f.Nav = nav
	lk := langsKey{uri: uri, lang: loc.Lang()}
	langs, ok := s.langs.Get(lk, 0)
	if !ok {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "layout_langs", Page{Localizer: loc, Path: uri}); err != nil {
			return nil, fmt.Errorf("web: the device page's language switch: %w", err)
		}
		langs = template.HTML(b.String())
		s.langs.Put(lk, 0, langs)
	}
	f.Langs = langs
	return f, nil
}

// deviceIDOf is the id of the device whose page r asks for, when this instance
// has served that page before (0 otherwise, and for any other route): the
// versions' statement then reads that device's tickets stripe too
// (cache.CheckDevice). A code names one device for good (a re-issued label gets
// a new code), and a wrong or missing guess costs nothing but the cache: the
// open tickets use the stripe only when it was read for the device the page
// shows (cache.DeviceTickets).
func (s *Server) deviceIDOf(pattern string, r *http.Request) int64 {
	if pattern != "GET /a/{code}" {
		return 0
	}
	id, _ := s.deviceIDs.Get(strings.TrimPrefix(r.URL.Path, "/a/"), 0)
	return id
}

// learnDeviceID remembers the device a code's page showed (deviceIDOf).
func (s *Server) learnDeviceID(code string, id int64) {
	if known, ok := s.deviceIDs.Get(code, 0); !ok || known != id {
		s.deviceIDs.Put(code, 0, id)
	}
}
