package web

import (
	"net/http"
	"strconv"

	"smartservice/internal/assets"
)

// assetQRPNG serves a device's QR code as a PNG (admins); ?size= in pixels, 64 to 2048.
func (s *Server) assetQRPNG(w http.ResponseWriter, r *http.Request) {
	a := s.adminAsset(w, r)
	if a == nil {
		return
	}
	size := assets.QRDefaultSize
	if v := r.URL.Query().Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < assets.QRMinSize || n > assets.QRMaxSize {
			s.errorPage(w, r, http.StatusBadRequest)
			return
		}
		size = n
	}
	png, err := assets.QRPNG(assets.DeviceURL(s.Config.BaseURL, a.Code), size)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sendFile(w, "image/png", "qr-"+a.Code+".png", png)
}

// assetQRSVG serves a device's QR code as an SVG image (admins).
func (s *Server) assetQRSVG(w http.ResponseWriter, r *http.Request) {
	a := s.adminAsset(w, r)
	if a == nil {
		return
	}
	svg, err := assets.QRSVG(assets.DeviceURL(s.Config.BaseURL, a.Code))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sendFile(w, "image/svg+xml", "qr-"+a.Code+".svg", svg)
}

// adminAsset reads the device of the route's {id} through the admin's door, or
// answers the request itself (login, 403, 404) and returns nil.
func (s *Server) adminAsset(w http.ResponseWriter, r *http.Request) *assets.Asset {
	u := s.requireUser(w, r)
	if u == nil {
		return nil
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return nil
	}
	a, err := s.Assets.AdminAsset(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return a
}

// sendFile answers with a generated file shown in the browser (not downloaded);
// it is not cached, as a re-issue changes it.
func sendFile(w http.ResponseWriter, contentType, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
