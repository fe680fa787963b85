package web

import (
	"net/http"
	"strconv"
)

// assetNew shows the empty form that adds a device (admins).
func (s *Server) assetNew(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	// A refused form carried over by the language switch comes back filled in.
	f := s.formDraftFor(r, assetFormID)
	if len(f.Values) == 0 {
		f.Values["service_type_id"] = r.URL.Query().Get("type")
	}
	s.renderAssetForm(w, r, u, http.StatusOK, &assetFormData{Form: f, Action: "/assets"})
}

// assetCreate adds a device and opens its edit page, where its QR code and label are.
func (s *Server) assetCreate(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	in, f := assetInput(r)
	owner, err := s.ownerID(r.Context(), u, f.Get("owner_email"))
	if err == nil {
		in.OwnerID = owner
		created, cerr := s.Assets.CreateAsset(r.Context(), u, in)
		if cerr == nil {
			s.setNotice(r.Context(), "assets.created")
			http.Redirect(w, r, "/assets/"+strconv.FormatInt(created.ID, 10)+"/edit", http.StatusSeeOther)
			return
		}
		err = cerr
	}
	if !shownOnForm(err) {
		s.fail(w, r, err)
		return
	}
	status := fillAsset(f, s, r, err)
	s.renderAssetForm(w, keepOnSwitch(r, assetFormID, "/assets/new", f), u, status, &assetFormData{Form: f, Action: "/assets"})
}
