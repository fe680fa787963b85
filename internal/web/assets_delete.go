package web

import (
	"net/http"
	"strconv"

	"smartservice/internal/assets"
)

// assetDelete deletes a device nothing refers to; for one in use the edit page
// shows the domain's reason next to the delete button, and archiving is the way.
func (s *Server) assetDelete(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	err := s.Assets.DeleteAsset(r.Context(), u, id)
	if err == nil {
		s.setNotice(r.Context(), "assets.deleted")
		http.Redirect(w, r, "/assets", http.StatusSeeOther)
		return
	}
	if !shownOnForm(err) {
		s.fail(w, r, err)
		return
	}
	a, aerr := s.Assets.AdminAsset(r.Context(), u, id)
	if aerr != nil {
		s.fail(w, r, aerr)
		return
	}
	d, derr := s.editData(r, u, a, nil)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.Danger = newForm()
	status, _ := fill(d.Danger, s.localizer(r), err)
	s.renderAssetForm(w, keepOnSwitch(r, deleteFormID, editPath(id), d.Danger), u, status, d)
}

// assetArchive retires a device (archived=yes) or brings it back (archived=no),
// keeping everything else as stored.
func (s *Server) assetArchive(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	a, err := s.Assets.AdminAsset(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := assets.AssetInput{Name: a.Name, TypeID: a.TypeID, InventoryNumber: a.InventoryNumber, Location: a.Location,
		Instructions: a.Instructions, OwnerID: a.OwnerID, Archived: r.PostForm.Get("archived") != "no"}
	if _, err := s.Assets.UpdateAsset(r.Context(), u, id, in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Archived {
		s.setNotice(r.Context(), "assets.archived_notice")
	} else {
		s.setNotice(r.Context(), "assets.restored_notice")
	}
	http.Redirect(w, r, "/assets/"+strconv.FormatInt(id, 10)+"/edit", http.StatusSeeOther)
}
