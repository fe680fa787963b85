package api

import "encoding/json"

// optString is a PATCH field that tells "absent" (set false) from null or a string
// (set true; null reads as "").
type optString struct {
	set   bool
	value string
}

// UnmarshalJSON is called for a present field, null included.
func (o *optString) UnmarshalJSON(b []byte) error {
	o.set = true
	if string(b) == "null" {
		o.value = ""
		return nil
	}
	return json.Unmarshal(b, &o.value)
}
