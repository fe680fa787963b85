package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/i18n"
	"smartservice/internal/sla"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// journalData is the journal: the filter as given (with its choices), one tab per
// status with its count, one page of tickets, and the links that keep the filter.
type journalData struct {
	Notice string
	Form   *form
	// Statuses are the filter's status checkboxes.
	Statuses []option
	Classes  []option
	Types    []optionGroup
	Problems []option
	// Departments, Assignees: the selects; Staff shows the reporter field.
	Departments, Assignees []option
	Staff                  bool
	Tabs                   []journalTab
	Rows                   []ticketLine
	// Invalid: the filter did not parse; the page shows why instead of tickets.
	Invalid bool
	// Filtered: some filter is set ("reset" is offered); MoreFilters: one of the
	// folded ones is, so the bar opens.
	Filtered, MoreFilters bool
	// Next continues after this page; First is set on later pages.
	Next, First string
	Export      string
	// DeviceName names the device filter, when it is set and found.
	DeviceName string
}

// journalTab is a status tab: a link to the same filter with that status only.
type journalTab struct {
	Label, Href string
	Count       int
	// More: the count stopped at tickets.CountCap ("1000+").
	More    bool
	Status  string
	Current bool
}

// journalFields maps the domain's filter field names to the query's.
var journalFields = map[string]string{"class_id": "class", "type_id": "type", "problem_id": "problem", "department_id": "department",
	"assignee_id": "assignee", "asset_id": "device", "reporter_id": "reporter", "created_from": "from", "created_to": "to"}

// journalKeys are the query parameters of a journal filter, in link order.
var journalKeys = []string{"q", "status", "class", "type", "problem", "department", "assignee", "device", "reporter", "from", "to", "upkeep", "sla", "sort"}

// journalQuery is a journal filter read from a URL query.
type journalQuery struct {
	filter tickets.Filter
	form   *form
	// keep are the filter's query values (no cursor), for links that keep it.
	keep       url.Values
	deviceName string
}

// dateLayout is how an <input type="date"> sends a day.
const dateLayout = "2006-01-02"

// office is the office's time zone (UTC when none is configured).
func (s *Server) office() *time.Location {
	if s.Config != nil && s.Config.Location != nil {
		return s.Config.Location
	}
	return time.UTC
}

// journalFilter reads the journal's filter from the query. Values that do not
// parse become field errors on the form (the domain adds its own), never a 500.
// The device may be given by id or QR code, the reporter by id or e-mail; the
// period is whole days in the office's time zone, both ends included.
func (s *Server) journalFilter(r *http.Request, u *users.User) *journalQuery {
	q := r.URL.Query()
	loc := s.localizer(r)
	jq := &journalQuery{form: newForm(), keep: url.Values{}}
	f, fm := &jq.filter, jq.form
	for _, k := range journalKeys {
		if k == "status" {
			continue
		}
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			fm.Values[k] = v
			jq.keep.Set(k, v)
		}
	}
	for _, st := range q["status"] {
		if st = strings.TrimSpace(st); st != "" && !slices.Contains(jq.keep["status"], st) {
			f.Statuses = append(f.Statuses, tickets.Status(st))
			jq.keep.Add("status", st)
		}
	}
	f.Q = fm.Values["q"]
	ids := []struct {
		key string
		dst *int64
	}{{"class", &f.ClassID}, {"type", &f.TypeID}, {"problem", &f.ProblemID}, {"department", &f.DepartmentID}, {"assignee", &f.AssigneeID}}
	for _, c := range ids {
		if v := fm.Values[c.key]; v != "" {
			if *c.dst = parseID(v); *c.dst == 0 {
				fm.Errors[c.key] = loc.T("journal.bad_choice")
			}
		}
	}
	if v := fm.Values["device"]; v != "" {
		if f.AssetID = parseID(v); f.AssetID == 0 {
			view, err := s.Assets.LookupByCode(r.Context(), u, strings.ToLower(v))
			if err == nil {
				f.AssetID, jq.deviceName = view.Asset.ID, view.Asset.Name
			} else {
				fm.Errors["device"] = loc.T("journal.device_unknown")
			}
		}
	}
	if v := fm.Values["reporter"]; v != "" {
		if f.ReporterID = parseID(v); f.ReporterID == 0 {
			if p, err := s.Accounts.UserByEmail(r.Context(), v); err == nil {
				f.ReporterID = p.ID
			} else {
				fm.Errors["reporter"] = loc.T("journal.reporter_unknown")
			}
		}
	}
	day := func(key string) time.Time {
		v := fm.Values[key]
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(dateLayout, v, s.office())
		if err != nil {
			fm.Errors[key] = loc.T("journal.bad_date")
		}
		return t
	}
	f.CreatedFrom = day("from")
	if to := day("to"); !to.IsZero() {
		f.CreatedTo = to.AddDate(0, 0, 1) // the whole last day
	}
	f.Upkeep = fm.Values["upkeep"] == "1"
	f.SLA, f.Sort = sla.State(fm.Values["sla"]), fm.Values["sort"]
	f.Cursor = q.Get("cursor")
	return jq
}

// fillJournal puts a domain error about the filter into the form, under the
// query's field names; ok is false for anything but invalid input.
func fillJournal(f *form, loc *i18n.Localizer, err error) bool {
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		return false
	}
	for _, fe := range e.Fields {
		name := fe.Field
		if n, ok := journalFields[name]; ok {
			name = n
		}
		if _, dup := f.Errors[name]; !dup {
			f.Errors[name] = loc.T(fe.Key, fe.Args...)
		}
	}
	if len(e.Fields) == 0 {
		f.Message = loc.T(e.Key, e.Args...)
	}
	return true
}

// journalHref is the journal's address with values.
func journalHref(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// ticketsList is the journal: every ticket the reader may see, filtered by the
// query, newest first, a page at a time, with a tab and a count per status.
func (s *Server) ticketsList(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	loc := s.localizer(r)
	jq := s.journalFilter(r, u)
	d := &journalData{Notice: s.popNotice(r), Form: jq.form, DeviceName: jq.deviceName, Staff: u.IsStaff()}
	status := http.StatusOK
	var page *tickets.Page
	var counts map[tickets.Status]tickets.StatusCount
	if len(jq.form.Errors) == 0 {
		var err error
		if counts, err = s.Tickets.CappedCounts(r.Context(), u, jq.filter); err == nil {
			page, err = s.Tickets.List(r.Context(), u, jq.filter)
		}
		if err != nil && !fillJournal(jq.form, loc, err) {
			s.fail(w, r, err)
			return
		}
	}
	if len(jq.form.Errors) > 0 || jq.form.Message != "" {
		status, d.Invalid = http.StatusUnprocessableEntity, true
		if _, bad := jq.form.Errors["cursor"]; bad {
			jq.form.Message = jq.form.Errors["cursor"]
		} else {
			jq.form.Message = loc.T("journal.filter_invalid")
		}
	}
	if err := s.journalChoices(r, u, d); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Filtered = len(jq.keep) > 0
	for _, k := range journalKeys[1:] {
		if jq.keep.Has(k) || jq.form.Errors[k] != "" {
			d.MoreFilters = true
		}
	}
	if counts != nil {
		d.Tabs = journalTabs(loc, jq, counts)
	}
	if page != nil {
		d.Rows = s.ticketLines(loc, page.Items)
		if page.NextCursor != "" {
			next := cloneValues(jq.keep)
			next.Set("cursor", page.NextCursor)
			d.Next = journalHref("/tickets", next)
		}
	}
	if jq.filter.Cursor != "" {
		d.First = journalHref("/tickets", jq.keep)
	}
	d.Export = journalHref("/tickets/export.csv", jq.keep)
	s.render(w, r, status, "tickets", "journal.title", d)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// journalTabs are "all" and one tab per status, each keeping the other filters.
func journalTabs(loc *i18n.Localizer, jq *journalQuery, counts map[tickets.Status]tickets.StatusCount) []journalTab {
	base := cloneValues(jq.keep)
	base.Del("status")
	total, more := 0, false
	for _, n := range counts {
		total += n.N
		more = more || n.More
	}
	tabs := []journalTab{{Label: loc.T("journal.tab_all"), Href: journalHref("/tickets", base), Count: total, More: more, Current: len(jq.filter.Statuses) == 0}}
	for _, st := range tickets.Statuses {
		v := cloneValues(base)
		v.Set("status", string(st))
		tabs = append(tabs, journalTab{Label: loc.T("journal.status_" + string(st)), Href: journalHref("/tickets", v), Count: counts[st].N, More: counts[st].More,
			Status: string(st), Current: len(jq.keep["status"]) == 1 && jq.keep.Get("status") == string(st)})
	}
	return tabs
}

// journalChoices fills the filter's selects, the current values marked.
func (s *Server) journalChoices(r *http.Request, u *users.User, d *journalData) error {
	ctx := r.Context()
	loc := s.localizer(r)
	f := d.Form
	selected := f.Get
	for _, st := range tickets.Statuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: loc.T("journal.status_" + string(st)),
			Selected: slices.Contains(r.URL.Query()["status"], string(st))})
	}
	classes, err := s.Assets.Classes(ctx)
	if err != nil {
		return err
	}
	types, err := s.Assets.Types(ctx, 0)
	if err != nil {
		return err
	}
	problems, err := s.Assets.Problems(ctx)
	if err != nil {
		return err
	}
	deps, err := s.Users.ListDepartments(ctx)
	if err != nil {
		return err
	}
	people, err := s.Tickets.Assignees(ctx, u)
	if err != nil {
		return err
	}
	byName := func(o []option) []option {
		slices.SortStableFunc(o, func(a, b option) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
		return o
	}
	for _, c := range classes {
		v := itoa(c.ID)
		d.Classes = append(d.Classes, option{Value: v, Label: loc.Name(c.EN, c.RU), Selected: v == selected("class")})
	}
	d.Types = typeGroups(loc, &assets.Catalogue{Classes: classes, Types: types}, selected("type"))
	for _, p := range problems {
		v := itoa(p.ID)
		d.Problems = append(d.Problems, option{Value: v, Label: loc.Name(p.EN, p.RU), Selected: v == selected("problem")})
	}
	d.Problems = byName(d.Problems)
	for _, dp := range deps {
		v := itoa(dp.ID)
		d.Departments = append(d.Departments, option{Value: v, Label: loc.Name(dp.NameEN, dp.NameRU), Selected: v == selected("department")})
	}
	d.Departments = byName(d.Departments)
	for _, p := range people {
		v := strconv.FormatInt(p.ID, 10)
		d.Assignees = append(d.Assignees, option{Value: v, Label: p.Name, Selected: v == selected("assignee")})
	}
	return nil
}
