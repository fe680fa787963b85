package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// assetsPageSize is how many devices a page of the list shows.
const assetsPageSize = 50

// assetsListData is the list of devices: the filters as given, one page of
// devices with the total count, and the links to the next and the first page.
// Admins also get "Add", a checkbox per row and the label sheet actions.
type assetsListData struct {
	Admin  bool
	Notice string
	Form   *form
	// The filters' choices, the current ones marked.
	Classes, Buildings, Floors, States []option
	Types                              []optionGroup
	Rows                               []assetRow
	Total                              int
	// Filtered is true when any filter is set, so "reset" is offered; MoreFilters
	// when one of the folded ones is, so they are shown unfolded.
	Filtered, MoreFilters bool
	// Next continues the list after this page ("" on the last page); First is set
	// when this is not the first page.
	Next, First string
	// FilterLabels prints the labels of every device the filter matches.
	FilterLabels string
	// FilterExport downloads the devices the filter matches as CSV.
	FilterExport string
	// Self is this page's address: "print selected" with nothing selected comes
	// back here and says so.
	Self string
}

// assetRow is one device of the list.
type assetRow struct {
	ID                        int64
	Href                      string
	Name, TypeName, ClassName string
	Location, Inventory       string
	Archived, Personal        bool
	Scans                     int64
	LastScan                  string
}

// assetsList is the list of devices: for admins the place to manage them, for
// everyone "can't scan? find the device" (each sees only what they may see).
func (s *Server) assetsList(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f, filter, keep := assetFilter(r.URL.Query())
	filter.Limit = assetsPageSize
	if after := parseID(r.URL.Query().Get("after")); after > 0 {
		filter.AfterID = after
	}
	status := http.StatusOK
	page, err := s.Assets.List(r.Context(), u, filter)
	if err != nil {
		// Only a bad search is shown on the page; the rest get their own.
		if apperr.CodeOf(err) != apperr.Invalid {
			s.fail(w, r, err)
			return
		}
		status, _ = fill(f, s.localizer(r), err)
		page = &assets.Page{}
	}
	d, err := s.assetsListData(r, u, f, page)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.MoreFilters = filter.ClassID != 0 || filter.TypeID != 0 || filter.Building != "" || filter.Floor != "" || filter.Archived != nil
	d.Filtered = d.MoreFilters || filter.Q != ""
	if page.NextAfter > 0 {
		next := url.Values{}
		for k, v := range keep {
			next[k] = v
		}
		next.Set("after", strconv.FormatInt(page.NextAfter, 10))
		d.Next = "/assets?" + next.Encode()
	}
	if filter.AfterID > 0 {
		d.First = "/assets"
		if len(keep) > 0 {
			d.First += "?" + keep.Encode()
		}
	}
	if r.URL.Query().Get("labels") == "none" {
		d.Form.Message = s.localizer(r).T("labels.none_chosen")
	}
	self := cloneValues(keep)
	if filter.AfterID > 0 {
		self.Set("after", strconv.FormatInt(filter.AfterID, 10))
	}
	d.Self = "/assets"
	if len(self) > 0 {
		d.Self += "?" + self.Encode()
	}
	d.FilterLabels, d.FilterExport = "/assets/labels.pdf", "/assets/export.csv"
	if len(keep) > 0 {
		d.FilterLabels += "?" + keep.Encode()
		d.FilterExport += "?" + keep.Encode()
	}
	s.render(w, r, status, "assets", "assets.list_title", d)
}

// assetFilter reads the list's filters from the query: the domain's filter, a
// form to refill them, and the values to keep in the pager's links. Values that
// do not parse are ignored, as a link from an old page may carry them.
func assetFilter(q url.Values) (*form, assets.Filter, url.Values) {
	f := newForm()
	filter := assets.Filter{Q: strings.TrimSpace(q.Get("q")), Building: q.Get("building"), Floor: q.Get("floor"),
		ClassID: parseID(q.Get("class")), TypeID: parseID(q.Get("type"))}
	f.Values["q"], f.Values["building"], f.Values["floor"] = filter.Q, filter.Building, filter.Floor
	if filter.ClassID != 0 {
		f.Values["class"] = strconv.FormatInt(filter.ClassID, 10)
	}
	if filter.TypeID != 0 {
		f.Values["type"] = strconv.FormatInt(filter.TypeID, 10)
	}
	if q.Get("archived") == "yes" {
		yes := true
		filter.Archived = &yes
		f.Values["archived"] = "yes"
	}
	keep := url.Values{}
	for _, k := range []string{"q", "class", "type", "building", "floor", "archived"} {
		if v := f.Values[k]; v != "" {
			keep.Set(k, v)
		}
	}
	return f, filter, keep
}

func (s *Server) assetsListData(r *http.Request, u *users.User, f *form, page *assets.Page) (*assetsListData, error) {
	ctx := r.Context()
	loc := s.localizer(r)
	classes, err := s.Assets.Classes(ctx)
	if err != nil {
		return nil, err
	}
	types, err := s.Assets.Types(ctx, 0)
	if err != nil {
		return nil, err
	}
	buildings, floors, err := s.Assets.Locations(ctx, u)
	if err != nil {
		return nil, err
	}
	cat := &assets.Catalogue{Classes: classes, Types: types}
	d := &assetsListData{Admin: u.IsAdmin(), Notice: s.popNotice(r), Form: f, Total: page.Total,
		Types: typeGroups(loc, cat, f.Get("type"))}
	for _, c := range classes {
		v := strconv.FormatInt(c.ID, 10)
		d.Classes = append(d.Classes, option{Value: v, Label: loc.Name(c.EN, c.RU), Selected: v == f.Get("class")})
	}
	for _, b := range buildings {
		d.Buildings = append(d.Buildings, option{Value: b, Label: b, Selected: b == f.Get("building")})
	}
	for _, fl := range floors {
		d.Floors = append(d.Floors, option{Value: fl, Label: fl, Selected: fl == f.Get("floor")})
	}
	d.States = []option{{Value: "", Label: loc.T("assets.state_active")}, {Value: "yes", Label: loc.T("assets.state_archived"), Selected: f.Get("archived") == "yes"}}
	names := typeNames(loc, cat)
	for _, a := range page.Items {
		row := assetRow{ID: a.ID, Href: "/a/" + a.Code + "?from=list", Name: a.Name, TypeName: names[a.TypeID][0], ClassName: names[a.TypeID][1],
			Location: a.Location.String(), Inventory: a.InventoryNumber, Archived: a.Archived, Personal: a.OwnerID != 0,
			Scans: a.ScanCount, LastScan: s.stamp(a.LastScannedAt)}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}
