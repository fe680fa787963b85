package httpx

import (
	"compress/gzip"
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressedTypes are the answers worth compressing: pages, the stylesheet, SVG
// and the API's JSON. PDFs, XLSX, PNG and JPEG are compressed already; CSV
// downloads are left as they are for the tools that read them.
var compressedTypes = []string{"text/html", "text/css", "image/svg+xml", "application/json", "application/problem+json"}

// compress gzips those answers for clients that accept it (gzhttp: Vary, ETag
// and Content-Length handled, small answers sent as they are).
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.ContentTypes(compressedTypes), gzhttp.CompressionLevel(gzip.DefaultCompression), gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // the options are constants
	}
	return wrap(next)
}
