package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/assets"
)

// locationInput is a device's location; absent parts stay as they are (on create:
// empty).
type locationInput struct {
	Building *string `json:"building"`
	Floor    *string `json:"floor"`
	Room     *string `json:"room"`
}

func (l *locationInput) apply(cur assets.Location) assets.Location {
	if l == nil {
		return cur
	}
	for _, p := range []struct {
		in  *string
		out *string
	}{{l.Building, &cur.Building}, {l.Floor, &cur.Floor}, {l.Room, &cur.Room}} {
		if p.in != nil {
			*p.out = *p.in
		}
	}
	return cur
}

// assetInput is a device as a client creates it. The code, the scan count and
// the times are the server's: sending them is refused as an unknown field.
type assetInput struct {
	Name            string         `json:"name"`
	ServiceTypeID   int64          `json:"service_type_id"`
	InventoryNumber *string        `json:"inventory_number"`
	Location        *locationInput `json:"location"`
	Instructions    *string        `json:"instructions"`
	OwnerID         *int64         `json:"owner_id"`
	Archived        bool           `json:"archived"`
}

// createAsset answers POST /api/v1/assets (admin) with 201 and the device, with a
// fresh code.
func (a *API) createAsset(w http.ResponseWriter, r *http.Request, c *caller) {
	var in assetInput
	if !a.decode(w, r, &in) {
		return
	}
	as, err := a.Assets.CreateAsset(r.Context(), c.user, assets.AssetInput{
		Name: in.Name, TypeID: in.ServiceTypeID, InventoryNumber: deref(in.InventoryNumber), Location: in.Location.apply(assets.Location{}),
		Instructions: deref(in.Instructions), OwnerID: derefID(in.OwnerID), Archived: in.Archived,
	})
	if err != nil {
		a.fail(w, r, err, assetRename)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/assets/%d", as.ID))
	a.writeAsset(w, r, c, http.StatusCreated, as)
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}
