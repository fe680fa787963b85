package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strconv"

	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/i18n"
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

// deviceParts are the executed parts, inserted as they are into the page.
type deviceParts struct {
	Head, Body template.HTML
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
	t := s.views.pages["device"]
	var head, body bytes.Buffer
	if err := t.ExecuteTemplate(&head, "device_head", st); err != nil {
		return deviceParts{}, fmt.Errorf("web: the device page's head: %w", err)
	}
	if err := t.ExecuteTemplate(&body, "device_body", st); err != nil {
		return deviceParts{}, fmt.Errorf("web: the device page's body: %w", err)
	}
	// The output of html/template, escaped by it: safe to insert as it is.
	p := deviceParts{Head: template.HTML(head.String()), Body: template.HTML(body.String())}
	if versioned {
		s.deviceParts.Put(key, version, p)
	}
	return p, nil
}
