package native

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

type nativeLinkRequest struct {
	Name                   string  `json:"name"`
	Slug                   string  `json:"slug"`
	CallbackURL            string  `json:"callbackUrl"`
	RedirectURL            string  `json:"redirectUrl"`
	HideInstruction        bool    `json:"hideInstruction"`
	DisableMandatoryFields bool    `json:"disableMandatoryFields"`
	SendEmail              bool    `json:"sendEmail"`
	ExpiresAt              *string `json:"expiresAt"`
	ExpireAfterDays        int     `json:"expireAfterDays"`
	ValidFrom              *string `json:"validFrom"`
	ValidUntil             *string `json:"validUntil"`
	Public                 bool    `json:"public"`
	MaxUses                int     `json:"maxUses"`
	Lang                   string  `json:"lang"`
	TabSwitchLimit         int     `json:"tabSwitchLimit"`
}

type nativeLink struct {
	ID                     int64      `json:"id"`
	TestID                 int64      `json:"testId"`
	Name                   string     `json:"name"`
	Slug                   string     `json:"slug"`
	URL                    *string    `json:"url"` // the registration page: null for an invite-only link
	IsDefault              bool       `json:"isDefault"`
	CallbackURL            string     `json:"callbackUrl"`
	RedirectURL            string     `json:"redirectUrl"`
	HideInstruction        bool       `json:"hideInstruction"`
	DisableMandatoryFields bool       `json:"disableMandatoryFields"`
	SendEmail              bool       `json:"sendEmail"`
	ExpiresAt              *time.Time `json:"expiresAt"`
	ExpireAfterDays        *int       `json:"expireAfterDays"` // null: none
	ValidFrom              *time.Time `json:"validFrom"`
	ValidUntil             *time.Time `json:"validUntil"`
	Public                 bool       `json:"public"`
	MaxUses                int        `json:"maxUses"`
	Lang                   string     `json:"lang"`
	TabSwitchLimit         int        `json:"tabSwitchLimit"`
	Disabled               bool       `json:"disabled"`
	CreatedAt              time.Time  `json:"createdAt"`
	UpdatedAt              time.Time  `json:"updatedAt"`
}

func (h *Handler) toNativeLink(l store.TestLink) nativeLink {
	var url *string
	if l.Public {
		u := h.URLs.LinkURL(l)
		url = &u
	}
	var days *int
	if l.ExpireAfterDays > 0 {
		days = &l.ExpireAfterDays
	}
	return nativeLink{ExpireAfterDays: days, ID: l.ID, TestID: l.TestID, Name: l.Name, Slug: l.Slug, URL: url, IsDefault: l.IsDefault,
		CallbackURL: l.CallbackURL, RedirectURL: l.RedirectURL, HideInstruction: l.HideInstruction,
		DisableMandatoryFields: l.DisableMandatoryFields, SendEmail: l.SendEmail, ExpiresAt: l.ExpiresAt,
		ValidFrom: l.ValidFrom, ValidUntil: l.ValidUntil, Public: l.Public, MaxUses: l.MaxUses, Lang: l.Lang,
		TabSwitchLimit: l.TabSwitchLimit, Disabled: l.Disabled(), CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

// rfc3339 parses an optional RFC 3339 time field.
func rfc3339(fe store.FieldErrors, field string, raw *string) *time.Time {
	if raw == nil || *raw == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *raw)
	if err != nil {
		fe[field] = "must be an RFC 3339 time, e.g. 2027-01-31T18:00:00Z"
		return nil
	}
	t = t.UTC()
	return &t
}

func (h *Handler) CreateLink(c echo.Context) error {
	ctx := c.Request().Context()
	testID, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.DB.Test(ctx, testID); err != nil {
		return err
	}
	var req nativeLinkRequest
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	parsed := store.FieldErrors{}
	in := store.LinkInput{
		Name: req.Name, Slug: req.Slug, CallbackURL: req.CallbackURL, RedirectURL: req.RedirectURL,
		HideInstruction: req.HideInstruction, DisableMandatoryFields: req.DisableMandatoryFields,
		SendEmail: req.SendEmail, Public: req.Public, MaxUses: req.MaxUses, Lang: req.Lang, TabSwitchLimit: req.TabSwitchLimit,
		ExpireAfterDays: req.ExpireAfterDays,
		ExpiresAt:       rfc3339(parsed, "expiresAt", req.ExpiresAt),
		ValidFrom:       rfc3339(parsed, "validFrom", req.ValidFrom),
		ValidUntil:      rfc3339(parsed, "validUntil", req.ValidUntil),
	}
	if len(parsed) > 0 {
		return in.Validate().With(parsed)
	}
	l, err := h.DB.CreateLink(ctx, testID, in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/native/tests/"+strconv.FormatInt(testID, 10)+"/links")
	return c.JSON(http.StatusCreated, h.toNativeLink(l))
}

func (h *Handler) ListLinks(c echo.Context) error {
	ctx := c.Request().Context()
	testID, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.DB.Test(ctx, testID); err != nil {
		return err
	}
	links, err := h.DB.Links(ctx, testID)
	if err != nil {
		return err
	}
	out := struct {
		Links []nativeLink `json:"links"`
	}{Links: []nativeLink{}}
	for _, l := range links {
		out.Links = append(out.Links, h.toNativeLink(l))
	}
	return c.JSON(http.StatusOK, out)
}
