package web

import (
	"net/http"
	"strconv"
)

// assetReissue gives a device a new code once the admin confirms it: the old
// label then says "replaced" and leads nowhere, so a new label must be printed.
func (s *Server) assetReissue(w http.ResponseWriter, r *http.Request) {
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
	if r.PostForm.Get("confirm") != "yes" {
		a, err := s.Assets.AdminAsset(r.Context(), u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d, err := s.editData(r, u, a, nil)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Reissue = newForm()
		d.Reissue.fail(s.localizer(r), "confirm", "assets.reissue_confirm_needed")
		s.renderAssetForm(w, keepOnSwitch(r, reissueFormID, editPath(id), d.Reissue), u, http.StatusUnprocessableEntity, d)
		return
	}
	if _, err := s.Assets.ReissueCode(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "assets.reissued")
	http.Redirect(w, r, "/assets/"+strconv.FormatInt(id, 10)+"/edit", http.StatusSeeOther)
}
