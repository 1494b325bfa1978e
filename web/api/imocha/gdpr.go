package imocha

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// GDPRRequest: POST /v3/gdpr/requests masks a candidate's data, as
// iMocha's "GDPR Data Masking Service": every invitation of CandidateEmail,
// or only the attempts testinvitationId names (one id, a list, or ids
// separated by commas) when they are that address's. Testgate erases at
// once, then answers as iMocha does on accepting the request.
func (h *Handler) GDPRRequest(c echo.Context) error {
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(body, &fields); err != nil {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"The request body is not valid JSON."}})
	}
	var email string
	var rawIDs json.RawMessage
	for k, v := range fields {
		switch strings.ToLower(k) {
		case "candidateemail":
			json.Unmarshal(v, &email)
		case "testinvitationid", "testinvitationids":
			rawIDs = v
		}
	}
	email = strings.TrimSpace(email)
	switch {
	case email == "":
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"'Candidate Email' must not be empty."}})
	case !store.ValidEmail(email):
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"'Candidate Email' is not a valid email address."}})
	}
	ids, ok := gdprInvitationIDs(rawIDs)
	if !ok {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"testinvitationId must be a test invitation id or a list of them."}})
	}
	noRecords := func() error {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"No records found for given Email address: " + email}})
	}
	ctx, actor := c.Request().Context(), apihttp.Actor(c)
	if len(ids) == 0 {
		if _, err := h.DB.EraseCandidate(ctx, email, apihttp.Teams(c), actor); errors.Is(err, store.ErrNotFound) {
			return noRecords()
		} else if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, gdprAccepted)
	}
	// Every named attempt must be this address's; none is erased otherwise.
	for _, id := range ids {
		reached, err := apihttp.Reaches(c, h.DB, "invitations", id)
		if err != nil {
			return err
		}
		inv, err := h.DB.Invitation(ctx, id)
		if !reached || errors.Is(err, store.ErrNotFound) || err == nil && store.NormalizeEmail(inv.Email) != store.NormalizeEmail(email) {
			return noRecords()
		} else if err != nil {
			return err
		}
	}
	for _, id := range ids {
		if _, err := h.DB.EraseInvitation(ctx, id, actor); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, gdprAccepted)
}

var gdprAccepted = struct {
	Result string `json:"result"`
}{"Request accepted for processing"}

// gdprInvitationIDs reads testinvitationId: absent, a number, a list of
// numbers, or a string of ids separated by commas.
func gdprInvitationIDs(raw json.RawMessage) ([]int64, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	var one int64
	if json.Unmarshal(raw, &one) == nil {
		return []int64{one}, one > 0
	}
	var list []int64
	if json.Unmarshal(raw, &list) == nil {
		for _, id := range list {
			if id <= 0 {
				return nil, false
			}
		}
		return list, true
	}
	var text string
	if json.Unmarshal(raw, &text) != nil {
		return nil, false
	}
	for part := range strings.SplitSeq(text, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || id <= 0 {
			return nil, false
		}
		list = append(list, id)
	}
	return list, len(list) > 0
}
