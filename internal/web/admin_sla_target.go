package web

import (
	"net/http"
	"strings"

	"smartservice/internal/sla"
)

// adminSLATarget is POST /admin/service-levels/problem-types/{id} and
// /admin/service-levels/rules/{id}: a problem type's or a routing rule's target.
func (s *Server) adminSLATarget(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	id := parseID(r.PathValue("id"))
	if id == 0 {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	f := newForm()
	f.Values["take"], f.Values["done"] = r.PostFormValue("take"), r.PostFormValue("done")
	in := sla.TargetInput{Take: f.Values["take"], Done: f.Values["done"]}
	var err error
	kind := "problem"
	if strings.HasPrefix(r.URL.Path, "/admin/service-levels/rules/") {
		kind = "rule"
		_, err = s.SLA.SetRuleTarget(r.Context(), u, id, in)
	} else {
		_, err = s.SLA.SetProblemTarget(r.Context(), u, id, in)
	}
	if err != nil {
		s.slaRefused(w, r, u, &slaFailed{kind: kind, id: id, form: f}, err)
		return
	}
	s.setNotice(r.Context(), "sla.target_saved")
	http.Redirect(w, r, "/admin/service-levels#"+kind+"-"+itoa(id), http.StatusSeeOther)
}
