package web

import (
	"bytes"
	"image"
	_ "image/gif" // logos may be GIF, JPEG or PNG
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/mail"
	"testgate/store"
	"testgate/views"
)

// maxLogoPixels bounds a logo's sides: a bigger image is a photo, not a logo.
const maxLogoPixels = 4000

// brand is the organisation as candidate pages show it. A database error
// costs the page its branding, not the candidate their test.
func (s *Server) brand(c echo.Context) views.Brand {
	b, err := s.db.Branding(c.Request().Context())
	if err != nil {
		s.log.Error("branding unavailable", "err", err)
		return views.Brand{}
	}
	return brandView(b)
}

func brandView(b store.Branding) views.Brand {
	v := views.Brand{Organisation: b.Organisation, Contact: b.ContactEmail}
	if b.HasLogo() {
		v.LogoURL = mail.LogoPath(b)
	}
	return v
}

func (s *Server) brandingPage(c echo.Context) error {
	b, err := s.db.Branding(c.Request().Context())
	if err != nil {
		return err
	}
	f := views.BrandingForm{Organisation: b.Organisation, ContactEmail: b.ContactEmail, Current: brandView(b)}
	return render(c, http.StatusOK, views.BrandingPage(s.page(c, "Branding", views.SectionBranding), f))
}

func (s *Server) saveBranding(c echo.Context) error {
	ctx := c.Request().Context()
	current, err := s.db.Branding(ctx)
	if err != nil {
		return err
	}
	f := views.BrandingForm{Organisation: c.FormValue("organisation"), ContactEmail: c.FormValue("contactEmail"), Current: brandView(current)}
	b := store.Branding{Organisation: f.Organisation, ContactEmail: f.ContactEmail}
	keepLogo := !checked(c, "removeLogo")
	if fh, err := c.FormFile("logo"); err == nil && fh.Size > 0 {
		logo, kind, problem := readLogo(fh.Open)
		if problem != "" {
			f.Errors = store.FieldErrors{"logo": problem}.With(b.Validate())
			return render(c, http.StatusUnprocessableEntity, views.BrandingPage(s.page(c, "Branding", views.SectionBranding), f))
		}
		b.Logo, b.LogoType, keepLogo = logo, kind, false
	}
	saved, err := s.db.SetBranding(ctx, b, keepLogo)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.BrandingPage(s.page(c, "Branding", views.SectionBranding), f))
	}
	if err != nil {
		return err
	}
	s.log.Info("branding saved", "by", currentUser(c).ID, "logo_bytes", len(saved.Logo))
	return flashAndRedirect(c, "Branding saved. Candidate pages show it now; emails queued from now on carry it.", "/settings/branding")
}

// readLogo reads an uploaded logo and checks that it is an image of an
// allowed type and size, by its content, not its name or declared type.
func readLogo(open func() (multipart.File, error)) ([]byte, string, string) {
	file, err := open()
	if err != nil {
		return nil, "", "could not be read; choose the file again"
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, store.MaxLogoBytes+1))
	if err != nil {
		return nil, "", "could not be read; choose the file again"
	}
	if len(data) > store.MaxLogoBytes {
		return nil, "", "must be at most " + strconv.Itoa(store.MaxLogoBytes>>10) + " KB"
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", "must be a PNG, JPEG or GIF image"
	}
	if cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels {
		return nil, "", "must be at most " + strconv.Itoa(maxLogoPixels) + " pixels on each side"
	}
	return data, "image/" + format, ""
}

// serveLogo sends the logo to candidates and mail clients. The URL carries
// the save's time, so a matching one is cached for good.
func (s *Server) serveLogo(c echo.Context) error {
	b, err := s.db.Branding(c.Request().Context())
	if err != nil {
		return err
	}
	if !b.HasLogo() {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	if c.QueryParam("v") == strconv.FormatInt(b.UpdatedAt.UnixMilli(), 10) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	// An image, never a document: no script runs even if opened directly.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, b.LogoType, b.Logo)
}
