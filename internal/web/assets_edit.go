package web

import (
	"net/http"
	"strconv"
)

// assetShow sends /assets/{id} to the device's edit page.
func (s *Server) assetShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	http.Redirect(w, r, "/assets/"+strconv.FormatInt(id, 10)+"/edit", http.StatusSeeOther)
}

// assetEdit shows a device's edit page (admins): the form, its QR code and label,
// re-issue, archive and delete.
func (s *Server) assetEdit(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	a, err := s.Assets.AdminAsset(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A refused form carried over by the language switch comes back filled in.
	fid, kept := s.takeFormDraft(r)
	var f *form
	if fid == assetFormID {
		f = kept
	}
	d, err := s.editData(r, u, a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch fid {
	case reissueFormID:
		d.Reissue = kept
	case deleteFormID:
		d.Danger = kept
	}
	d.Notice = s.popNotice(r)
	s.renderAssetForm(w, r, u, http.StatusOK, d)
}

// assetUpdate saves a device's form; its code stays.
func (s *Server) assetUpdate(w http.ResponseWriter, r *http.Request) {
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
	in, f := assetInput(r)
	owner, err := s.ownerID(r.Context(), u, f.Get("owner_email"))
	if err == nil {
		in.OwnerID = owner
		if _, err = s.Assets.UpdateAsset(r.Context(), u, id, in); err == nil {
			s.setNotice(r.Context(), "assets.saved")
			http.Redirect(w, r, "/assets/"+strconv.FormatInt(id, 10)+"/edit", http.StatusSeeOther)
			return
		}
	}
	if !shownOnForm(err) {
		s.fail(w, r, err)
		return
	}
	status := fillAsset(f, s, r, err)
	a, aerr := s.Assets.AdminAsset(r.Context(), u, id)
	if aerr != nil {
		s.fail(w, r, aerr)
		return
	}
	d, derr := s.editData(r, u, a, f)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.renderAssetForm(w, keepOnSwitch(r, assetFormID, editPath(id), f), u, status, d)
}
