package api

import (
	"strconv"
	"unicode/utf8"
)

// jsonText reports whether a JSON body is text encoding/json would keep as sent:
// valid UTF-8 with no half of a UTF-16 surrogate pair escaped alone ("\ud800").
// encoding/json quietly turns both into U+FFFD, which would then be stored; such a
// body is refused instead, as the forms refuse bytes that are not UTF-8.
func jsonText(body []byte) bool {
	return utf8.Valid(body) && !loneSurrogate(body)
}

// loneSurrogate reports whether body escapes half of a surrogate pair alone. A
// backslash appears only inside strings in JSON, so walking the escapes is
// enough; a body that is not JSON fails its decoding anyway.
func loneSurrogate(body []byte) bool {
	for i := 0; i < len(body)-1; i++ {
		if body[i] != '\\' {
			continue
		}
		if body[i+1] != 'u' {
			i++ // \\, \" and the like: the next byte is escaped
			continue
		}
		r, ok := hex4(body[i+2:])
		switch {
		case !ok || r < 0xD800 || r > 0xDFFF:
		case r >= 0xDC00:
			return true // a low half with no high half before it
		default:
			low, ok := hex4(body[min(i+8, len(body)):])
			if !ok || body[i+6] != '\\' || body[i+7] != 'u' || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
		i += 5
	}
	return false
}

// hex4 reads four hexadecimal digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(n), err == nil
}
