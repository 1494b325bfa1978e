package native

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/web/api/apihttp"
)

// EraseInvitation: POST /api/native/invitations/{id}/erase erases the
// candidate's data of one invitation and answers it as it now is.
func (h *Handler) EraseInvitation(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.DB.EraseInvitation(c.Request().Context(), id, apihttp.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toNativeInvitation(inv))
}

// nativeEraseRequest names a candidate by address (erase, export).
type nativeEraseRequest struct {
	Email string `json:"email"`
}

type nativeEraseResponse struct {
	Erased []int64 `json:"erased"` // the invitations erased
}

// EraseCandidate: POST /api/native/candidates/erase {"email": …} erases
// every invitation of an address; 404 when it has none.
func (h *Handler) EraseCandidate(c echo.Context) error {
	var req nativeEraseRequest
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	ids, err := h.DB.EraseCandidate(c.Request().Context(), req.Email, apihttp.Teams(c), apihttp.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nativeEraseResponse{Erased: ids})
}

// ExportCandidate: POST /api/native/candidates/export {"email": …}
// answers everything Testgate holds about the address (subject access);
// 404 when it has no invitation. The address travels in the body, not in
// a URL that logs keep.
func (h *Handler) ExportCandidate(c echo.Context) error {
	var req nativeEraseRequest
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	data, err := h.DB.CandidateData(c.Request().Context(), req.Email, apihttp.Teams(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data)
}
