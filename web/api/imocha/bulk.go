package imocha

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// iMocha's "Bulk Invite" (POST /v3/tests/{TestId}/invitations/bulk). Its
// page names the call and its purpose, one invitation link per candidate;
// the body and answer are not in the stored copy of the page, so they
// follow the single invite: each candidate is an invite body, and the
// fields given beside "candidates" apply to every one of them unless the
// candidate gives its own.

// bulkLimit bounds one bulk invite.
const bulkLimit = 1000

type bulkInvited struct {
	TestInvitationID int64  `json:"testInvitationId"`
	Email            string `json:"email"`
	Name             string `json:"name"`
	TestURL          string `json:"testUrl"`
	Status           string `json:"status"`
}

type bulkFailed struct {
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Errors []string `json:"errors"`
}

// BulkInvite invites every valid candidate through the test's default link
// (or testLinkId) in one batch and reports each invalid one with its
// problems, in iMocha's words; nothing is written for an invalid one.
func (h *Handler) BulkInvite(c echo.Context) error {
	testID, err := apihttp.PathID(c, "testId")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	shared, ok := apihttp.DecodeFields(body)
	var candidates []map[string]json.RawMessage
	if !ok || json.Unmarshal(shared["candidates"], &candidates) != nil {
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"'Candidates' must be a list of {email, name}."}})
	}
	switch {
	case len(candidates) == 0:
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"'Candidates' must not be empty."}})
	case len(candidates) > bulkLimit:
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{fmt.Sprintf("At a time only %d candidates can be invited.", bulkLimit)}})
	}
	var linkID int64
	if raw, ok := shared["testlinkid"]; ok {
		id, valid := jsonWholeNumber(raw)
		if !valid {
			return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"'Test Link Id' must be a test link's id."}})
		}
		linkID = id
	}
	delete(shared, "candidates")
	delete(shared, "testlinkid")

	failed := []bulkFailed{}
	var ns []store.NewInvitation
	for _, cand := range candidates {
		merged := map[string]json.RawMessage{}
		for k, v := range shared {
			merged[k] = v
		}
		for k, v := range apihttp.LowerKeys(cand) {
			merged[k] = v
		}
		b, _ := json.Marshal(merged)
		in, problems := decodeIMochaInvite(b, false)
		if in.ValidUntil != nil && !in.ValidUntil.After(h.DB.Now()) {
			problems = append(problems, "'End Date Time' must be in the future.")
		}
		if len(problems) > 0 {
			failed = append(failed, bulkFailed{Email: in.Email, Name: in.Name, Errors: problems})
			continue
		}
		send := in.SendEmail
		ns = append(ns, store.NewInvitation{TestID: testID, LinkID: linkID, Name: in.Name, Email: in.Email,
			GeneratePlaceholders: in.DisableMandatoryFields, Source: store.SourceIMocha, Actor: apihttp.Actor(c),
			CallbackURL: in.CallbackURL, RedirectURL: in.RedirectURL, HideInstruction: in.HideInstruction,
			DisableMandatoryFields: &in.DisableMandatoryFields, SendEmail: &send, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil})
	}
	invited := []bulkInvited{}
	if len(ns) == 0 { // nothing to invite: the request is refused, with every candidate's problems
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Result: map[string]any{"invitations": invited, "failed": failed},
			Errors: []string{"No candidate could be invited: each has a problem listed in result.failed."}})
	}
	ctx := c.Request().Context()
	ids, err := h.DB.InviteMany(ctx, ns)
	switch {
	case errors.Is(err, store.ErrTestNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Test link not found.")
	case errors.Is(err, store.ErrClosed):
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{err.Error()}})
	case err != nil:
		return err
	}
	for _, id := range ids {
		inv, err := h.DB.Invitation(ctx, id)
		if err != nil {
			return err
		}
		invited = append(invited, bulkInvited{inv.ID, inv.Email, inv.Name, h.URLs.TestURL(inv), imochaStatus(inv.Status)})
	}
	return c.JSON(http.StatusOK, imochaEnvelope{Result: map[string]any{"invitations": invited, "failed": failed}})
}
