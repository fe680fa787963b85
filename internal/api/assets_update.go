package api

import (
	"encoding/json"
	"net/http"

	"smartservice/internal/assets"
)

// assetPatch changes the fields it names. A null inventory_number, instructions or
// owner_id clears it.
type assetPatch struct {
	Name            *string        `json:"name"`
	ServiceTypeID   *int64         `json:"service_type_id"`
	InventoryNumber optString      `json:"inventory_number"`
	Location        *locationInput `json:"location"`
	Instructions    optString      `json:"instructions"`
	OwnerID         optID          `json:"owner_id"`
	Archived        *bool          `json:"archived"`
}

// optID is a PATCH field that tells "absent" (set false) from null (set, 0) or an id.
type optID struct {
	set   bool
	value int64
}

// UnmarshalJSON is called for a present field, null included.
func (o *optID) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.value = 0
		return nil
	}
	return json.Unmarshal(b, &o.value)
}

// updateAsset answers PATCH /api/v1/assets/{id} (admin); the code stays.
func (a *API) updateAsset(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	var p assetPatch
	if !a.decode(w, r, &p) {
		return
	}
	cur, err := a.Assets.AdminAsset(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	in := assets.AssetInput{Name: cur.Name, TypeID: cur.TypeID, InventoryNumber: cur.InventoryNumber, Location: p.Location.apply(cur.Location),
		Instructions: cur.Instructions, OwnerID: cur.OwnerID, Archived: cur.Archived}
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.ServiceTypeID != nil {
		in.TypeID = *p.ServiceTypeID
	}
	if p.InventoryNumber.set {
		in.InventoryNumber = p.InventoryNumber.value
	}
	if p.Instructions.set {
		in.Instructions = p.Instructions.value
	}
	if p.OwnerID.set {
		in.OwnerID = p.OwnerID.value
	}
	if p.Archived != nil {
		in.Archived = *p.Archived
	}
	as, err := a.Assets.UpdateAsset(r.Context(), c.user, id, in)
	if err != nil {
		a.fail(w, r, err, assetRename)
		return
	}
	a.writeAsset(w, r, c, http.StatusOK, as)
}
