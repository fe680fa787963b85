package web

import (
	"testing"
	"time"
)

// TestSessionCodecCopiesWhatItRemembers: a remembered decoding is handed out as a
// copy, so what one request writes into its session (scs's Put) never shows in
// another's; sessions holding anything but scalars are decoded afresh each time.
func TestSessionCodecCopiesWhatItRemembers(t *testing.T) {
	c := newSessionCodec()
	deadline := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	b, err := c.Encode(deadline, map[string]any{"uid": int64(7), "epoch": int64(3), "iat": int64(1700000000)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		d, v, err := c.Decode(b)
		if err != nil || !d.Equal(deadline) || v["uid"] != int64(7) || v["epoch"] != int64(3) || len(v) != 3 {
			t.Fatalf("decode %d: %v %v %v", i, d, v, err)
		}
		v["uid"] = int64(99) // what a request may write
		v["draft"] = "x"
	}
	if len(c.m) != 1 {
		t.Fatalf("%d decodings kept, want 1", len(c.m))
	}

	draft, err := c.Encode(deadline, map[string]any{"uid": int64(7), "form": []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	_, v, err := c.Decode(draft)
	if err != nil {
		t.Fatal(err)
	}
	v["form"].([]string)[0] = "changed"
	if _, v, _ = c.Decode(draft); v["form"].([]string)[0] != "a" {
		t.Error("a session holding a slice was handed out shared")
	}
	if len(c.m) != 1 {
		t.Errorf("%d decodings kept, want only the scalar session's", len(c.m))
	}
	if _, _, err := c.Decode([]byte("not gob")); err == nil {
		t.Error("garbage decoded")
	}
}
