package web

import (
	"net/http"
	"strconv"
	"strings"

	"smartservice/internal/i18n"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// ManagesUpkeep tells the header whether to link the upkeep plans (admins and
// heads); the domain checks again on every request.
func (p Page) ManagesUpkeep() bool { return upkeep.MayManage(p.User) }

// upkeepLine is one plan in the list, in the reader's language.
type upkeepLine struct {
	ID                      int64
	Name, Target, Place     string
	Problem, Schedule, Note string
	NextDue, LastDone       string
	Active, DeviceGone      bool
}

func (s *Server) upkeepLine(l *i18n.Localizer, p *upkeep.Plan) upkeepLine {
	target := l.Name(p.TargetEN, p.TargetRU)
	switch p.Target {
	case upkeep.TargetType:
		target = l.T("upkeep.target_type_named", "Name", target)
	case upkeep.TargetClass:
		target = l.T("upkeep.target_class_named", "Name", target)
	}
	var place []string
	for _, v := range []string{p.Building, p.Floor} {
		if v != "" {
			place = append(place, v)
		}
	}
	return upkeepLine{ID: p.ID, Name: p.Name, Target: target, Place: strings.Join(place, ", "),
		Problem: l.Name(p.ProblemEN, p.ProblemRU), Schedule: p.Schedule.Words(l), Note: p.Note,
		NextDue: s.stamp(p.NextDue), LastDone: s.stamp(p.LastDone), Active: p.Active, DeviceGone: p.DeviceGone}
}

// upkeepBox is the device page's upkeep box.
type upkeepBox struct {
	Plans    []upkeepLine
	LastDone string
	// Manage: the reader may open the plans (admins and heads).
	Manage bool
	// PlanHref, when set, offers a new plan for this device (the form takes
	// ?asset_id=): for those who may plan, on a device still in use.
	PlanHref string
}

// deviceUpkeep reads the device page's upkeep box: staff only (the domain
// answers nil for anyone else), nil when no plan covers the device and the
// reader may not plan one.
func (s *Server) deviceUpkeep(r *http.Request, u *users.User, assetID int64, archived bool) (*upkeepBox, error) {
	if s.Upkeep == nil {
		return nil, nil // a test server built without upkeep
	}
	box, err := s.Upkeep.ForDevice(r.Context(), u, assetID)
	if err != nil {
		return nil, err
	}
	out := &upkeepBox{Manage: upkeep.MayManage(u)}
	if out.Manage && !archived {
		out.PlanHref = "/upkeep/new?asset_id=" + strconv.FormatInt(assetID, 10)
	}
	if box == nil {
		if out.PlanHref == "" {
			return nil, nil
		}
		return out, nil
	}
	l := s.localizer(r)
	out.LastDone = s.stamp(box.LastDone)
	for _, p := range box.Plans {
		out.Plans = append(out.Plans, s.upkeepLine(l, p))
	}
	return out, nil
}

// upkeepID reads the {id} of an upkeep route; 0 when malformed.
func upkeepID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}
