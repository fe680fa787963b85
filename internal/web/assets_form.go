package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// assetFormData is the page that adds or edits a device. On the edit page Asset
// is set, with the code, the QR images, the label and the actions on the device.
type assetFormData struct {
	Notice string
	Form   *form
	Action string
	Types  []optionGroup
	Asset  *assetFacts
	// Reissue is the re-issue confirmation's form; Danger the delete form's message.
	Reissue *form
	Danger  *form
}

// assetFacts is what the edit page shows about a stored device.
type assetFacts struct {
	ID                          int64
	Name, ShortCode, DeviceHref string
	Archived                    bool
	Scans                       int64
	LastScan                    string
}

// assetFields are the form's fields in the domain's names; the owner is entered
// by e-mail (owner_email) and stored by id.
var assetFields = []string{"name", "service_type_id", "inventory_number", "building", "floor", "room", "instructions", "owner_email"}

// assetForm fills a form with a stored device; ownerEmail is its owner's address.
func assetForm(a *assets.Asset, ownerEmail string) *form {
	f := newForm()
	f.Values["name"], f.Values["inventory_number"], f.Values["instructions"] = a.Name, a.InventoryNumber, a.Instructions
	f.Values["building"], f.Values["floor"], f.Values["room"] = a.Location.Building, a.Location.Floor, a.Location.Room
	f.Values["service_type_id"] = strconv.FormatInt(a.TypeID, 10)
	f.Values["owner_email"] = ownerEmail
	if a.Archived {
		f.Values["archived"] = "on"
	}
	return f
}

// assetInput reads a posted device into the domain's input (without the owner,
// see ownerID) and a form to refill.
func assetInput(r *http.Request) (assets.AssetInput, *form) {
	f := newForm()
	for _, k := range assetFields {
		f.Values[k] = r.PostForm.Get(k)
	}
	in := assets.AssetInput{Name: f.Values["name"], TypeID: parseID(f.Values["service_type_id"]), InventoryNumber: f.Values["inventory_number"],
		Location:     assets.Location{Building: f.Values["building"], Floor: f.Values["floor"], Room: f.Values["room"]},
		Instructions: strings.ReplaceAll(f.Values["instructions"], "\r\n", "\n"), Archived: r.PostForm.Get("archived") != ""}
	if in.Archived {
		f.Values["archived"] = "on"
	}
	return in, f
}

// ownerID finds the account of a personal device's owner by e-mail through the
// admin's user search (the domain refuses anyone else); "" is no owner.
func (s *Server) ownerID(ctx context.Context, u *users.User, email string) (int64, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return 0, nil
	}
	unknown := &apperr.Error{Code: apperr.Invalid, Key: "error.invalid_input",
		Fields: []apperr.FieldError{{Field: "owner_email", Key: "assets.owner_unknown"}}}
	if len(email) > 254 {
		return 0, unknown
	}
	found, err := s.Accounts.ListUsers(ctx, u, users.UserFilter{Q: email, Limit: 20})
	if err != nil {
		return 0, err
	}
	for _, acct := range found {
		if strings.EqualFold(acct.Email, email) {
			return acct.ID, nil
		}
	}
	return 0, unknown
}

// fillAsset puts a domain error into the device form, the owner's under owner_email.
func fillAsset(f *form, s *Server, r *http.Request, err error) int {
	status, _ := fill(f, s.localizer(r), err)
	if f.Errors["owner_email"] == "" {
		f.moveErr("owner_id", "owner_email", false)
	}
	delete(f.Errors, "owner_id")
	delete(f.said, "owner_id")
	return status
}

// The device page's forms, by element id: the language switch carries a refused
// one over to the page that shows it again.
const (
	assetFormID   = "asset-form"
	reissueFormID = "reissue-form"
	deleteFormID  = "asset-delete-form"
)

// editPath is the address of device id's edit page.
func editPath(id int64) string { return "/assets/" + strconv.FormatInt(id, 10) + "/edit" }

// renderAssetForm renders the add or edit page; the catalogue is read through the
// admin's door, so anyone else gets the domain's refusal.
func (s *Server) renderAssetForm(w http.ResponseWriter, r *http.Request, u *users.User, status int, d *assetFormData) {
	cat, err := s.Assets.AdminCatalogue(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Types = typeGroups(s.localizer(r), cat, d.Form.Get("service_type_id"))
	title := "assets.new_title"
	if d.Asset != nil {
		title = "assets.edit_title"
		if d.Reissue == nil {
			d.Reissue = newForm()
		}
		if d.Danger == nil {
			d.Danger = newForm()
		}
	}
	s.render(w, r, status, "assets_form", title, d)
}

// editData is the edit page of a stored device: its facts and, unless a failed
// post brings its own, the form filled from the device.
func (s *Server) editData(r *http.Request, u *users.User, a *assets.Asset, f *form) (*assetFormData, error) {
	if f == nil {
		email := ""
		if a.OwnerID != 0 {
			owner, err := s.Accounts.AdminUser(r.Context(), u, a.OwnerID)
			if err != nil && apperr.CodeOf(err) != apperr.NotFound {
				return nil, err
			}
			if owner != nil {
				email = owner.Email
			}
		}
		f = assetForm(a, email)
	}
	return &assetFormData{Form: f, Action: "/assets/" + strconv.FormatInt(a.ID, 10), Asset: &assetFacts{ID: a.ID, Name: a.Name,
		ShortCode: assets.ShortCode(a.Code), DeviceHref: "/a/" + a.Code + "?from=list", Archived: a.Archived,
		Scans: a.ScanCount, LastScan: s.stamp(a.LastScannedAt)}}, nil
}
