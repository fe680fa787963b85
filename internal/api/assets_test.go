package api_test

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestAssets covers devices: admin CRUD, visibility of personal devices, the
// by-code view behind a QR code, re-issued labels and the QR images.
func TestAssets(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rootUser := e.user("root@example.com", admin)
		annUser := e.user("ann@example.com", employee)
		e.user("bob@example.com", employee)
		root, ann, bob := e.login("root@example.com"), e.login("ann@example.com"), e.login("bob@example.com")

		class := e.do("POST", "/api/v1/service-classes", root, map[string]any{"name_en": "IT equipment"}).want(201).num("id")
		printer := e.do("POST", "/api/v1/service-types", root, map[string]any{"name_en": "Printer", "name_ru": "Принтер", "service_class_id": class}).want(201).num("id")
		laptop := e.do("POST", "/api/v1/service-types", root, map[string]any{"name_en": "Laptop", "service_class_id": class}).want(201).num("id")
		jam := e.do("POST", "/api/v1/problem-types", root, map[string]any{"name_en": "Paper jam"}).want(201).num("id")
		e.do("PUT", path("/api/v1/service-types/%d/problem-types", printer), root, []map[string]any{{"problem_type_id": jam, "self_help": "Open the cover."}}).want(200)

		// Create: the server makes the code; code and scan_count cannot be sent.
		created := e.do("POST", "/api/v1/assets", root, map[string]any{
			"name": "Printer 3F", "service_type_id": printer, "inventory_number": "INV-1",
			"location": map[string]any{"building": "A", "floor": "3", "room": "301"}, "instructions": "Press **Start**.",
		}).want(201)
		pid := created.num("id")
		code := created.str("code")
		loc := created.obj["location"].(map[string]any)
		if created.header.Get("Location") != path("/api/v1/assets/%d", pid) || len(code) != 16 || loc["room"] != "301" ||
			created.obj["owner_id"] != nil || created.obj["service_type"].(map[string]any)["name"] != "Printer" ||
			created.str("url") != "http://localhost:8080/a/"+code {
			t.Errorf("created: %s", created.body)
		}
		e.do("POST", "/api/v1/assets", root, map[string]any{"name": "X", "service_type_id": printer, "code": "aaaaaaaaaaaaaaaa"}).wantFieldError("code")
		e.do("POST", "/api/v1/assets", root, map[string]any{"name": "X", "service_type_id": printer, "scan_count": 99}).wantFieldError("scan_count")
		e.do("PATCH", path("/api/v1/assets/%d", pid), root, map[string]any{"code": "aaaaaaaaaaaaaaaa"}).wantFieldError("code")
		e.do("PATCH", path("/api/v1/assets/%d", pid), root, map[string]any{"scan_count": 0}).wantFieldError("scan_count")
		e.do("POST", "/api/v1/assets", root, map[string]any{"name": "Copy", "service_type_id": printer, "inventory_number": "INV-1"}).wantFieldError("inventory_number")
		e.do("POST", "/api/v1/assets", root, map[string]any{"service_type_id": printer}).wantFieldError("name")
		e.do("POST", "/api/v1/assets", root, map[string]any{"name": "X", "service_type_id": 999999}).wantFieldError("service_type_id")
		e.do("POST", "/api/v1/assets", root, map[string]any{"name": "X", "service_type_id": printer, "location": map[string]any{"room": "a\x00b"}}).wantFieldError("location.room")
		e.do("POST", "/api/v1/assets", root, map[string]any{"name": "X", "service_type_id": printer, "owner_id": 999999}).wantFieldError("owner_id")

		// A personal laptop of Ann's: she and admins see it; Bob gets the 404 of an absent device.
		lap := e.do("POST", "/api/v1/assets", root, map[string]any{"name": "Ann's laptop", "service_type_id": laptop, "owner_id": annUser.ID}).want(201)
		lapID, lapCode := lap.num("id"), lap.str("code")
		if o, _ := lap.obj["owner"].(map[string]any); o == nil || o["email"] != "ann@example.com" {
			t.Errorf("owner: %s", lap.body)
		}
		if mine := e.do("GET", path("/api/v1/assets/%d", lapID), ann, nil).want(200); mine.obj["owner"] == nil {
			t.Errorf("owner's view: %s", mine.body)
		}
		absent := e.do("GET", "/api/v1/assets/999999", bob, nil).want(404)
		if hidden := e.do("GET", path("/api/v1/assets/%d", lapID), bob, nil).want(404); hidden.str("detail") != absent.str("detail") {
			t.Errorf("hidden: %s", hidden.body)
		}

		// The list: by visibility, with filters and pages.
		if l := e.do("GET", "/api/v1/assets", bob, nil).want(200); len(l.items()) != 1 || l.num("total") != 1 {
			t.Errorf("bob's list: %s", l.body)
		}
		if l := e.do("GET", "/api/v1/assets", ann, nil).want(200); len(l.items()) != 2 {
			t.Errorf("ann's list: %s", l.body)
		}
		if l := e.do("GET", "/api/v1/assets?q=inv-1&building=A&floor=3&service_class_id="+itoa(class)+"&service_type_id="+itoa(printer), root, nil).want(200); len(l.items()) != 1 || l.items()[0]["name"] != "Printer 3F" {
			t.Errorf("filtered: %s", l.body)
		}
		p1 := e.do("GET", "/api/v1/assets?limit=1", root, nil).want(200)
		next, _ := p1.obj["next_cursor"].(string)
		if len(p1.items()) != 1 || p1.num("total") != 2 || next == "" {
			t.Fatalf("page 1: %s", p1.body)
		}
		if p2 := e.do("GET", "/api/v1/assets?limit=1&cursor="+next, root, nil).want(200); len(p2.items()) != 1 || p2.obj["next_cursor"] != nil {
			t.Errorf("page 2: %s", p2.body)
		}
		e.do("GET", "/api/v1/assets?archived=maybe", root, nil).wantFieldError("archived")
		e.do("GET", "/api/v1/assets?service_type_id=-3", root, nil).wantFieldError("service_type_id")
		e.do("GET", "/api/v1/assets?q="+strings.Repeat("x", 201), root, nil).wantFieldError("q")

		// Patch: partial, the code stays; archived devices leave the default list.
		upd := e.do("PATCH", path("/api/v1/assets/%d", pid), root, map[string]any{"name": "Printer 3F east", "location": map[string]any{"room": "302"}, "instructions": nil}).want(200)
		ul := upd.obj["location"].(map[string]any)
		if upd.str("code") != code || ul["room"] != "302" || ul["building"] != "A" || upd.str("instructions") != "" || upd.str("inventory_number") != "INV-1" {
			t.Errorf("patched: %s", upd.body)
		}
		other := e.do("POST", "/api/v1/assets", root, map[string]any{"name": "Printer 2F", "service_type_id": printer, "inventory_number": "INV-2"}).want(201).num("id")
		e.do("PATCH", path("/api/v1/assets/%d", other), root, map[string]any{"inventory_number": "INV-1"}).wantFieldError("inventory_number")
		e.do("PATCH", path("/api/v1/assets/%d", other), root, map[string]any{"archived": true}).want(200)
		if l := e.do("GET", "/api/v1/assets?archived=true", root, nil).want(200); len(l.items()) != 1 || l.items()[0]["archived"] != true {
			t.Errorf("archived list: %s", l.body)
		}
		if dis := e.do("PATCH", path("/api/v1/assets/%d", lapID), root, map[string]any{"owner_id": nil}).want(200); dis.obj["owner_id"] != nil || dis.obj["owner"] != nil {
			t.Errorf("owner cleared: %s", dis.body)
		}
		e.do("PATCH", path("/api/v1/assets/%d", lapID), root, map[string]any{"owner_id": annUser.ID}).want(200)

		// Employees read but never write.
		e.do("POST", "/api/v1/assets", ann, map[string]any{"name": "Mine", "service_type_id": printer}).want(403)
		e.do("PATCH", path("/api/v1/assets/%d", pid), ann, map[string]any{"name": "Mine"}).want(403)
		e.do("DELETE", path("/api/v1/assets/%d", pid), ann, nil).want(403)
		e.do("GET", path("/api/v1/assets/%d", pid), ann, nil).want(200)

		// By code: the device page's content, the scan counted.
		view := e.do("GET", "/api/v1/assets/by-code/"+code, ann, nil).want(200)
		asset := view.obj["asset"].(map[string]any)
		probs := view.obj["problem_types"].([]any)
		if asset["id"].(float64) != float64(pid) || asset["scan_count"].(float64) != 1 || len(probs) != 1 ||
			probs[0].(map[string]any)["self_help"] != "Open the cover." || len(view.obj["open_tickets"].([]any)) != 0 {
			t.Errorf("by code: %s", view.body)
		}
		if ru := e.do("GET", "/api/v1/assets/by-code/"+code, ann, nil, header("Accept-Language", "ru")).want(200); ru.obj["asset"].(map[string]any)["service_type"].(map[string]any)["name"] != "Принтер" {
			t.Errorf("ru by code: %s", ru.body)
		}
		e.do("GET", "/api/v1/assets/by-code/"+lapCode, ann, nil).want(200)
		unknown := e.do("GET", "/api/v1/assets/by-code/aaaaaaaaaaaaaaaa", bob, nil).want(404)
		if unknown.str("detail") != absent.str("detail") {
			t.Errorf("unknown code: %s", unknown.body)
		}
		for _, c := range []string{lapCode, strings.Repeat("a", 10<<10), url.PathEscape("../" + code[3:]), url.PathEscape("ёжик-ёжик-ёжик!"), strings.ToUpper(code)} {
			if res := e.do("GET", "/api/v1/assets/by-code/"+c, bob, nil).want(404); res.str("detail") != unknown.str("detail") {
				t.Errorf("code %.40q: %s", c, res.body)
			}
		}
		e.do("GET", "/api/v1/assets/by-code/"+code, "", nil).want(401)

		// A re-issued label: the old code says so and leads nowhere.
		if _, err := e.assets.ReissueCode(context.Background(), rootUser, pid); err != nil {
			t.Fatal(err)
		}
		replaced := e.do("GET", "/api/v1/assets/by-code/"+code, ann, nil).want(404)
		if replaced.str("detail") != "This label was replaced. Please tell the office." || bytes.Contains(replaced.body, []byte(`"id"`)) {
			t.Errorf("replaced: %s", replaced.body)
		}
		newCode := e.do("GET", path("/api/v1/assets/%d", pid), root, nil).want(200).str("code")
		if newCode == code {
			t.Fatal("code not re-issued")
		}

		// QR images: admins only.
		svg := e.do("GET", path("/api/v1/assets/%d/qr.svg", pid), root, nil).want(200)
		if svg.header.Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(svg.body, []byte("<svg")) {
			t.Errorf("svg: %q %.80s", svg.header.Get("Content-Type"), svg.body)
		}
		pngRes := e.do("GET", path("/api/v1/assets/%d/qr.png?size=128", pid), root, nil).want(200)
		if pngRes.header.Get("Content-Type") != "image/png" {
			t.Errorf("png as %q", pngRes.header.Get("Content-Type"))
		}
		if img, err := png.Decode(bytes.NewReader(pngRes.body)); err != nil || img.Bounds().Dx() != 128 {
			t.Errorf("png: %v", err)
		}
		e.do("GET", path("/api/v1/assets/%d/qr.png?size=5", pid), root, nil).wantFieldError("size")
		e.do("GET", path("/api/v1/assets/%d/qr.png", pid), ann, nil).want(403)
		e.do("GET", path("/api/v1/assets/%d/qr.svg", pid), ann, nil).want(403)
		e.do("GET", "/api/v1/assets/999999/qr.svg", root, nil).want(404)
		e.do("GET", path("/api/v1/assets/%d/qr.gif", pid), root, nil).want(404)
		e.do("POST", path("/api/v1/assets/%d/qr.png", pid), root, nil).want(405)

		// Deleting: a type with devices is refused; a device goes.
		e.do("DELETE", path("/api/v1/service-types/%d", printer), root, nil).want(409)
		e.do("DELETE", path("/api/v1/assets/%d", other), root, nil).want(204)
		e.do("DELETE", path("/api/v1/assets/%d", other), root, nil).want(404)
		for _, p := range []string{"999999", "abc", "0"} {
			for _, m := range []string{"GET", "PATCH", "DELETE"} {
				var body any
				if m == "PATCH" {
					body = map[string]any{"name": "X"}
				}
				e.do(m, "/api/v1/assets/"+p, root, body).want(404)
			}
		}
	})
}

func itoa(n int64) string { return path("%d", n) }
