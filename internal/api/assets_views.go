package api

import (
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/i18n"
)

// locationView is where a device is.
type locationView struct {
	Building string `json:"building"`
	Floor    string `json:"floor"`
	Room     string `json:"room"`
}

// personRef is a reference to a person.
type personRef struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
}

// assetView is a device as the API shows it.
type assetView struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	// URL is the address inside the device's QR code.
	URL             string       `json:"url"`
	Name            string       `json:"name"`
	ServiceTypeID   int64        `json:"service_type_id"`
	ServiceType     *ref         `json:"service_type"`
	ServiceClass    *ref         `json:"service_class"`
	InventoryNumber string       `json:"inventory_number"`
	Location        locationView `json:"location"`
	Instructions    string       `json:"instructions"`
	OwnerID         *int64       `json:"owner_id"`
	Owner           *personRef   `json:"owner"`
	Archived        bool         `json:"archived"`
	ScanCount       int64        `json:"scan_count"`
	LastScannedAt   *string      `json:"last_scanned_at"`
	CreatedAt       string       `json:"created_at"`
	UpdatedAt       string       `json:"updated_at"`
}

// assetViewer shows devices for one request, reading the catalogue's names and
// the owners once.
type assetViewer struct {
	a       *API
	r       *http.Request
	c       *caller
	loc     *i18n.Localizer
	types   map[int64]assets.Type
	classes map[int64]assets.Class
	owners  map[int64]*personRef
}

func (a *API) assetViewer(r *http.Request, c *caller) *assetViewer {
	return &assetViewer{a: a, r: r, c: c, loc: a.localizer(r), owners: map[int64]*personRef{}}
}

func (v *assetViewer) load() error {
	if v.types != nil {
		return nil
	}
	ts, err := v.a.Assets.Types(v.r.Context(), 0)
	if err != nil {
		return err
	}
	if v.classes, err = v.a.classesByID(v.r); err != nil {
		return err
	}
	v.types = make(map[int64]assets.Type, len(ts))
	for _, t := range ts {
		v.types[t.ID] = t
	}
	return nil
}

// owner is the reference to a personal device's owner, as far as the caller may
// read the account (themselves, or anyone for an admin); nil otherwise.
func (v *assetViewer) owner(id int64) (*personRef, error) {
	if p, ok := v.owners[id]; ok {
		return p, nil
	}
	u, err := v.a.Accounts.User(v.r.Context(), v.c.user, id)
	var p *personRef
	switch {
	case err == nil:
		p = &personRef{ID: u.ID, Email: u.Email, FullName: u.FullName}
	case apperr.CodeOf(err) != apperr.NotFound:
		return nil, err
	}
	v.owners[id] = p
	return p, nil
}

func (v *assetViewer) view(as *assets.Asset) (assetView, error) {
	if err := v.load(); err != nil {
		return assetView{}, err
	}
	a := v.a
	out := assetView{
		ID: as.ID, Code: as.Code, URL: assets.DeviceURL(a.Config.BaseURL, as.Code), Name: as.Name, ServiceTypeID: as.TypeID,
		InventoryNumber: as.InventoryNumber, Instructions: as.Instructions, Archived: as.Archived, ScanCount: as.ScanCount,
		Location:      locationView{Building: as.Location.Building, Floor: as.Location.Floor, Room: as.Location.Room},
		LastScannedAt: a.optTimestamp(as.LastScannedAt), CreatedAt: a.timestamp(as.CreatedAt), UpdatedAt: a.timestamp(as.UpdatedAt),
	}
	if t, ok := v.types[as.TypeID]; ok {
		out.ServiceType = &ref{ID: t.ID, Name: v.loc.Name(t.EN, t.RU)}
		if c, ok := v.classes[t.ClassID]; ok {
			out.ServiceClass = &ref{ID: c.ID, Name: v.loc.Name(c.EN, c.RU)}
		}
	}
	if as.OwnerID != 0 {
		id := as.OwnerID
		out.OwnerID = &id
		p, err := v.owner(id)
		if err != nil {
			return assetView{}, err
		}
		out.Owner = p
	}
	return out, nil
}

// assetRename maps the domain's field names of a device to the API's.
var assetRename = map[string]string{
	"building": "location.building",
	"floor":    "location.floor",
	"room":     "location.room",
}

// writeAsset answers status with the device.
func (a *API) writeAsset(w http.ResponseWriter, r *http.Request, c *caller, status int, as *assets.Asset) {
	v, err := a.assetViewer(r, c).view(as)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, status, v)
}
