package xobin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// BulkLimit is the page's "maximum 500 per request".
const BulkLimit = 500

// BulkInvite: POST /assessment/invite {assessment_id, invite_format,
// expiry_date, candidates: [{name, email} or {candidate_name,
// candidate_email}]}, as app.xobin.com/api/docs documents "Invite
// Candidates to an Assessment". Each candidate gets a result: the valid
// ones are invited together in one transaction, and a candidate whose name
// or address is not valid is reported as Failed with the reason.
func (h *Handler) BulkInvite(c echo.Context) error {
	f, err := xobinFields(c)
	if err != nil {
		return err
	}
	var raw []map[string]json.RawMessage
	if v, ok := f["candidates"]; !ok || json.Unmarshal(v, &raw) != nil {
		return xobinFail(http.StatusBadRequest, "candidates must be a list of {name, email}.")
	}
	switch {
	case len(raw) == 0:
		return xobinFail(http.StatusBadRequest, "candidates must hold at least one candidate.")
	case len(raw) > BulkLimit:
		return xobinFail(http.StatusBadRequest, "candidates must hold at most %d candidates.", BulkLimit)
	}
	target, err := h.xobinInviteTarget(c, f, "assessment_id", store.KindAssessment, "invite_format", "invite_type")
	if err != nil {
		return err
	}
	answers := make([]xobinInviteAnswer, len(raw))
	var ns []store.NewInvitation
	var at []int // answers[at[i]] is ns[i]'s
	for i, cand := range raw {
		fields := apihttp.LowerKeys(cand)
		name, email := xobinAlias(fields, "name", "candidate_name"), xobinAlias(fields, "email", "candidate_email")
		answers[i] = xobinInviteAnswer{Name: name, Email: email, AssessmentID: target.test.ID, Status: "Failed"}
		n := target.invitation(name, email, apihttp.Actor(c))
		if fe := n.Validate(); len(fe) > 0 {
			for _, field := range []string{"email", "name"} {
				if msg, ok := fe[field]; ok {
					answers[i].Error = fmt.Sprintf("%s %s", field, msg)
					break
				}
			}
			continue
		}
		ns = append(ns, n)
		at = append(at, i)
	}
	if len(ns) > 0 {
		ids, err := h.DB.InviteMany(c.Request().Context(), ns)
		switch {
		case errors.Is(err, store.ErrClosed):
			return xobinFail(http.StatusConflict, "%s", err.Error())
		case err != nil:
			return err
		}
		for i, id := range ids {
			inv, err := h.DB.Invitation(c.Request().Context(), id)
			if err != nil {
				return err
			}
			answers[at[i]] = h.toXobinInvite(inv)
		}
	}
	return c.JSON(http.StatusOK, struct {
		Invites []xobinInviteAnswer `json:"invites"`
	}{answers})
}

// xobinAlias reads the first of a field's spellings that is a string.
func xobinAlias(f map[string]json.RawMessage, names ...string) string {
	for _, name := range names {
		var v string
		if raw, ok := f[name]; ok && json.Unmarshal(raw, &v) == nil && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
