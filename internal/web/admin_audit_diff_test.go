package web

import (
	"reflect"
	"testing"
)

func TestAuditDiffShowsWhatChanged(t *testing.T) {
	for _, c := range []struct {
		before, after string
		want          []auditChange
	}{
		{`{"a":1,"b":"x","name_en":"Lamp"}`, `{"a":2,"b":"x","name_en":"Lamp"}`, []auditChange{{Field: "a", Before: "1", After: "2"}}},
		{``, `{"code":"it","name_en":"IT","telegram":"1"}`, []auditChange{{Field: "code", After: `"it"`}, {Field: "name_en", After: `"IT"`}}},
		{`{"Name":"Printer","TypeID":3}`, ``, []auditChange{{Field: "Name", Before: `"Printer"`}}},
		{`{"roles":["employee"]}`, `{"roles":["employee","executor"],"x":null}`, []auditChange{{Field: "roles", Before: `["employee"]`, After: `["employee","executor"]`}, {Field: "x", After: "null"}}},
		{`[1]`, `[2]`, []auditChange{{Before: "[1]", After: "[2]"}}},
	} {
		if got := auditDiff(c.before, c.after); !reflect.DeepEqual(got, c.want) {
			t.Errorf("auditDiff(%s, %s) = %+v, want %+v", c.before, c.after, got, c.want)
		}
	}
}
