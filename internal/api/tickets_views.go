package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// assetRef is a device referred to from a ticket.
type assetRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"`
}

// routingView tells how the ticket's department was chosen: "rule" (RuleID set),
// "default" or "none".
type routingView struct {
	By     string `json:"by"`
	RuleID *int64 `json:"rule_id"`
}

// ticketItem is a ticket as the journal lists it; names in the reader's language.
type ticketItem struct {
	ID             int64          `json:"id"`
	Number         string         `json:"number"`
	Status         string         `json:"status"`
	Asset          assetRef       `json:"asset"`
	Location       string         `json:"location"`
	ServiceClass   ref            `json:"service_class"`
	ServiceType    ref            `json:"service_type"`
	ProblemType    ref            `json:"problem_type"`
	Comment        string         `json:"comment"`
	Reporter       *personRef     `json:"reporter"`
	Department     *departmentRef `json:"department"`
	Assignee       *personRef     `json:"assignee"`
	CreatedAt      string         `json:"created_at"`
	AssignedAt     *string        `json:"assigned_at"`
	StartedAt      *string        `json:"started_at"`
	DoneAt         *string        `json:"done_at"`
	CancelledAt    *string        `json:"cancelled_at"`
	Resolution     string         `json:"resolution"`
	CancelReason   string         `json:"cancel_reason"`
	ReopenedCount  int            `json:"reopened_count"`
	FollowersCount int            `json:"followers_count"`
	HasPhoto       bool           `json:"has_photo"`
	Routing        routingView    `json:"routing"`
	// ServiceLevel is the ticket's due times and state (service_levels.go).
	ServiceLevel serviceLevelView `json:"service_level"`
	// UpkeepPlanID names the upkeep plan that filed the ticket; null for one a
	// person reported.
	UpkeepPlanID *int64 `json:"upkeep_plan_id"`
}

// ticketView is one ticket with what the caller may do with it now.
type ticketView struct {
	ticketItem
	Actions actionsView `json:"actions"`
}

// actionsView mirrors tickets.Actions: the buttons a page would show.
type actionsView struct {
	Take     bool `json:"take"`
	Start    bool `json:"start"`
	Complete bool `json:"complete"`
	Cancel   bool `json:"cancel"`
	Reassign bool `json:"reassign"`
	Send     bool `json:"send"`
	Reopen   bool `json:"reopen"`
	Comment  bool `json:"comment"`
	Follow   bool `json:"follow"`
	Unfollow bool `json:"unfollow"`
}

// eventView is one line of a ticket's history; Actor is null for the system (and
// for the reporter in a follower's limited view), Subject null when the event is
// about nobody in particular.
type eventView struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Actor     *personRef `json:"actor"`
	Subject   *personRef `json:"subject"`
	Detail    string     `json:"detail"`
	CreatedAt string     `json:"created_at"`
}

func (a *API) ticketItem(loc *i18n.Localizer, row *tickets.Row) ticketItem {
	t := &row.Ticket
	v := ticketItem{
		ID: t.ID, Number: t.Number(), Status: string(t.Status),
		Asset:        assetRef{ID: t.AssetID, Name: row.AssetName, Code: row.AssetCode},
		Location:     row.Location,
		ServiceClass: ref{ID: row.ClassID, Name: loc.Name(row.ClassEN, row.ClassRU)},
		ServiceType:  ref{ID: row.TypeID, Name: loc.Name(row.TypeEN, row.TypeRU)},
		ProblemType:  ref{ID: t.ProblemID, Name: loc.Name(row.ProblemEN, row.ProblemRU)},
		Comment:      t.Comment,
		CreatedAt:    a.timestamp(t.CreatedAt), AssignedAt: a.optTimestamp(t.AssignedAt), StartedAt: a.optTimestamp(t.StartedAt),
		DoneAt: a.optTimestamp(t.DoneAt), CancelledAt: a.optTimestamp(t.CancelledAt),
		Resolution: t.Resolution, CancelReason: t.CancelReason, ReopenedCount: t.ReopenedCount,
		FollowersCount: row.FollowersCount, HasPhoto: row.HasPhoto,
		Routing: routingView{By: t.RoutedBy}, ServiceLevel: a.serviceLevel(t),
	}
	if !row.Limited {
		// A follower with no other right to the ticket is not told who reported it
		// (tickets.Row.Limited): null.
		v.Reporter = &personRef{ID: t.ReporterID, Email: row.ReporterEmail, FullName: row.ReporterName}
	}
	if t.DepartmentID != 0 {
		v.Department = &departmentRef{ID: t.DepartmentID, Name: loc.Name(row.DepartmentEN, row.DepartmentRU)}
	}
	if t.AssigneeID != 0 {
		v.Assignee = &personRef{ID: t.AssigneeID, Email: row.AssigneeEmail, FullName: row.AssigneeName}
	}
	if t.RuleID != 0 {
		id := t.RuleID
		v.Routing.RuleID = &id
	}
	if t.UpkeepPlanID != 0 {
		id := t.UpkeepPlanID
		v.UpkeepPlanID = &id
	}
	return v
}

// answerTicket answers status with ticket id as the caller now sees it, with the
// actions they may take: the answer of filing and of every transition. It is one
// read of the ticket (tickets.Brief: no history, which this answer does not show).
func (a *API) answerTicket(w http.ResponseWriter, r *http.Request, c *caller, status int, id int64) {
	v, err := a.Tickets.Brief(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeBrief(w, r, status, v)
}

// writeBrief answers with a ticket's row and the reader's actions.
func (a *API) writeBrief(w http.ResponseWriter, r *http.Request, status int, v *tickets.Brief) {
	a.writeJSON(w, status, ticketView{ticketItem: a.ticketItem(a.localizer(r), &v.Row), Actions: actionsView(v.Actions)})
}

// ticketID reads the path's {id}; a malformed one names nothing and answers 404.
func (a *API) ticketID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
	}
	return id, ok
}

// text is a JSON string that keeps invalid input invalid. encoding/json silently
// turns malformed UTF-8 and lone surrogate escapes ("\ud800") into U+FFFD; text
// passes such a string on with an invalid byte instead, so the domain's check
// refuses it (422 naming the field) rather than storing a mangled text.
type text string

// invalidText is what a string that was not valid UTF-8 becomes: never valid.
const invalidText = "\xff"

// UnmarshalJSON decodes a JSON string (null reads as "").
func (t *text) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	switch {
	case s == nil:
		*t = ""
	case !utf8.Valid(b) || strings.ContainsRune(*s, utf8.RuneError) && !keepsReplacement(b):
		*t = invalidText
	default:
		*t = text(*s)
	}
	return nil
}

// keepsReplacement reports whether the raw JSON string itself holds U+FFFD (as
// the character or as the escape \ufffd), which is then a legitimate character.
func keepsReplacement(raw []byte) bool {
	s := string(raw)
	return strings.ContainsRune(s, utf8.RuneError) || strings.Contains(strings.ToLower(s), `\ufffd`)
}

// transition answers a change of the ticket's life that takes no body (take,
// start, reopen) with the fresh ticket.
func (a *API) transition(w http.ResponseWriter, r *http.Request, c *caller,
	change func(context.Context, *users.User, int64) (*tickets.Ticket, error)) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	if _, err := change(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
