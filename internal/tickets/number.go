package tickets

import (
	"regexp"
	"strconv"
	"strings"
)

// numberRE is a ticket's number as people quote it: "T-811" (Number), "t811",
// "T 811", "#811", "№811" or the bare "811".
var numberRE = regexp.MustCompile(`^(?i:t\s*-?\s*|#\s*|№\s*)?([0-9]{1,18})$`)

// ParseNumber reads a ticket's number as people quote it (see numberRE) and
// returns its id; the journal's search and the API's q find the ticket by it.
func ParseNumber(s string) (int64, bool) {
	m := numberRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
