package api_test

import (
	"bytes"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestTicketsOpenOnScannedDevice: the device page behind a QR code lists the
// device's open tickets, newest first, with only what anyone who may see the
// device may know, and whether the caller follows each.
func TestTicketsOpenOnScannedDevice(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		byCode := "/api/v1/assets/by-code/" + o.pr.Code
		openIDs := func(res *result) []int64 {
			var ids []int64
			for _, it := range res.obj["open_tickets"].([]any) {
				ids = append(ids, idOf(it.(map[string]any)))
			}
			return ids
		}

		if got := openIDs(o.do("GET", byCode, o.tBob, nil).want(200)); len(got) != 0 {
			t.Fatalf("a quiet printer has open tickets %v", got)
		}
		paper := o.file(o.tAnn, o.paper.ID, "Tray 2 empty, secret note") // IT's executors are away: waits
		jam := o.file(o.tAnn, o.jam.ID, "")                              // facilities: assigned at once
		done := o.file(o.tAnn, o.toner.ID, "")                           // cancelled below: not open
		o.do("POST", path("/api/v1/tickets/%d/cancel", done), o.tAnn, map[string]any{"reason": "Found a cartridge"}).want(200)
		bobs := o.file(o.tBob, o.toner.ID, "")

		res := o.do("GET", byCode, o.tBob, nil).want(200)
		list := res.obj["open_tickets"].([]any)
		if len(list) != 3 {
			t.Fatalf("open tickets: %s", res.body)
		}
		ids := openIDs(res)
		if ids[0] != bobs || ids[1] != jam || ids[2] != paper {
			t.Errorf("not newest first: %v", ids)
		}
		for _, id := range ids {
			if id == done {
				t.Error("a cancelled ticket is listed as open")
			}
		}
		// Ann's tickets, seen by Bob: the problem, the status, the executor's name
		// (the test's full names hold the address); nothing of Ann, her comment, or
		// anyone's e-mail field.
		j, p := list[1].(map[string]any), list[2].(map[string]any)
		if j["number"] != path("T-%d", jam) || j["status"] != "assigned" || j["assignee_name"] != "Person execf@example.com" ||
			j["problem_type"].(map[string]any)["name"] != "Paper jam" || j["following"] != false || j["created_at"] == "" {
			t.Errorf("the jam: %v", j)
		}
		if p["status"] != "new" || p["assignee_name"] != nil || p["following"] != false {
			t.Errorf("the waiting ticket: %v", p)
		}
		if list[0].(map[string]any)["following"] != true {
			t.Errorf("Bob's own ticket: %v", list[0])
		}
		for _, secret := range []string{"secret note", "ann@example.com", `"email"`, `"comment"`, `"reporter"`} {
			if bytes.Contains(res.body, []byte(secret)) {
				t.Errorf("the device page tells Bob %q: %s", secret, res.body)
			}
		}

		// "Me too": Bob follows Ann's jam, and the list says so.
		o.do("POST", path("/api/v1/tickets/%d/follow", jam), o.tBob, map[string]any{"code": o.pr.Code}).want(200)
		if j := o.do("GET", byCode, o.tBob, nil).want(200).obj["open_tickets"].([]any)[1].(map[string]any); idOf(j) != jam || j["following"] != true {
			t.Errorf("after me too: %v", j)
		}
		// In the caller's language.
		ru := o.do("GET", byCode, o.tAnn, nil, header("Accept-Language", "ru")).want(200)
		if n := ru.obj["open_tickets"].([]any)[1].(map[string]any)["problem_type"].(map[string]any)["name"]; n != "Замятие бумаги" {
			t.Errorf("in Russian: %v", n)
		}
		// Done tickets leave the list.
		o.do("POST", path("/api/v1/tickets/%d/start", jam), o.tExecF, nil).want(200)
		o.do("POST", path("/api/v1/tickets/%d/complete", jam), o.tExecF, map[string]any{"resolution": "Cleared"}).want(200)
		for _, id := range openIDs(o.do("GET", byCode, o.tBob, nil).want(200)) {
			if id == jam {
				t.Error("a done ticket is listed as open")
			}
		}
		// A device the caller may not see, with an open ticket on it: the same 404
		// as for no device at all, nothing listed.
		o.do("POST", "/api/v1/tickets", o.tBob, map[string]any{"asset_id": o.bobsLaptop.ID, "problem_type_id": o.jam.ID}).want(201)
		if mine := o.do("GET", "/api/v1/assets/by-code/"+o.bobsLaptop.Code, o.tBob, nil).want(200); len(openIDs(mine)) != 1 {
			t.Errorf("Bob's own printer: %s", mine.body)
		}
		o.do("GET", "/api/v1/assets/by-code/"+o.bobsLaptop.Code, o.tAnn, nil).want(404)
	})
}
