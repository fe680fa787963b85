package api

import (
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

// assetQRSVG answers GET /api/v1/assets/{id}/qr.svg (admin): the QR code of the
// device's public URL as SVG.
func (a *API) assetQRSVG(w http.ResponseWriter, r *http.Request, c *caller) {
	a.assetQR(w, r, c, "image/svg+xml", func(url string) ([]byte, error) { return assets.QRSVG(url) })
}

// assetQRPNG answers GET /api/v1/assets/{id}/qr.png (admin): the QR code as PNG,
// ?size= pixels wide.
func (a *API) assetQRPNG(w http.ResponseWriter, r *http.Request, c *caller) {
	size := assets.QRDefaultSize
	if s := r.URL.Query().Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < assets.QRMinSize || n > assets.QRMaxSize {
			var f apperr.Fields
			f.Add("size", "api.qr_size", "Min", assets.QRMinSize, "Max", assets.QRMaxSize)
			a.invalid(w, r, f)
			return
		}
		size = n
	}
	a.assetQR(w, r, c, "image/png", func(url string) ([]byte, error) { return assets.QRPNG(url, size) })
}

func (a *API) assetQR(w http.ResponseWriter, r *http.Request, c *caller, contentType string, render func(string) ([]byte, error)) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	as, err := a.Assets.AdminAsset(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	img, err := render(assets.DeviceURL(a.Config.BaseURL, as.Code))
	if err != nil {
		a.internal(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if contentType == "image/svg+xml" {
		h.Set("Content-Security-Policy", "default-src 'none'")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(img)
}
